// typescript-eslint's recommended rules without type information (a typed lint pass costs a full
// program build; tsc --noEmit already runs as its own step), and nothing prettier decides.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'imports/',
      'model/generated/',
      'dist/',
      'cdktf.out/',
      '.cdk8s.out/',
      '.reference/',
      '.tools/',
      '.cache/',
      'state/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      // Unused names are tsc's job (noUnusedLocals, noUnusedParameters): one place to fix them.
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    // Tests edit recorded kubectl answers and parsed YAML in place; the assertions check the shape.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    // Plain CommonJS: config files and core/register.js, which must load before any TypeScript can.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
      },
    },
  },
);

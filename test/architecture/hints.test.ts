import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import { buildProgram } from '../../cli/main';
import { VARIABLES } from '../../model/variables';
import { REPO_ROOT } from '../helpers';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('errors a user sees', () => {
  it('every CliError in the CLI carries a hint: a failure is one error: line and one hint: line', () => {
    const missing: string[] = [];
    for (const file of sourceFiles(join(REPO_ROOT, 'cli'))) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node): void => {
        if (ts.isNewExpression(node) && node.expression.getText() === 'CliError' && (node.arguments?.length ?? 0) < 2) {
          const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          missing.push(`${relative(REPO_ROOT, file)}:${line}: ${node.getText().slice(0, 120)}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(missing).toEqual([]);
  });
});

/**
 * The text of every hint a user can be shown, as written in the source: the second argument of
 * each `new CliError`, the fix of each doctor `fail`/`warn`, each `hint:` or `fix:` property, and
 * what each `...Hint` or `fix...` function returns.
 * A template's expressions become `<expr>`: they are references the compiler already checks.
 */
function hintTexts(): { where: string; text: string }[] {
  const found: { where: string; text: string }[] = [];
  for (const file of sourceFiles(join(REPO_ROOT, 'cli'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const constants = new Map<string, ts.Expression>();
    const textOf = (node: ts.Node | undefined): string[] => {
      if (!node) return [];
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
      if (ts.isTemplateExpression(node)) return [node.head.text + node.templateSpans.map((s) => `<expr>${s.literal.text}`).join('')];
      if (ts.isConditionalExpression(node)) return [...textOf(node.whenTrue), ...textOf(node.whenFalse)];
      if (ts.isBinaryExpression(node)) return [...textOf(node.left), ...textOf(node.right)];
      if (ts.isParenthesizedExpression(node)) return textOf(node.expression);
      if (ts.isIdentifier(node)) return textOf(constants.get(node.text));
      return [];
    };
    const add = (node: ts.Node | undefined) => {
      const line = node ? source.getLineAndCharacterOfPosition(node.getStart()).line + 1 : 0;
      for (const text of textOf(node)) found.push({ where: `${relative(REPO_ROOT, file)}:${line}`, text });
    };
    const collect = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) constants.set(node.name.text, node.initializer);
      ts.forEachChild(node, collect);
    };
    collect(source);
    const visit = (node: ts.Node, inHintFunction: boolean): void => {
      if (ts.isNewExpression(node) && node.expression.getText() === 'CliError') add(node.arguments?.[1]);
      // doctor's results: fail(area, detail, fix) and warn(area, detail, fix).
      if (ts.isCallExpression(node) && ['fail', 'warn'].includes(node.expression.getText()) && node.arguments.length === 3)
        add(node.arguments[2]);
      if (ts.isPropertyAssignment(node) && ['hint', 'fix'].includes(node.name.getText())) add(node.initializer);
      if (inHintFunction && ts.isReturnStatement(node)) add(node.expression);
      const hintFunction = ts.isFunctionDeclaration(node) && !!node.name && /Hint$|^fix[A-Z]/.test(node.name.text);
      ts.forEachChild(node, (child) => visit(child, inHintFunction || hintFunction));
    };
    visit(source, false);
  }
  return found;
}

describe('what hints tell the user to run exists', () => {
  const hints = hintTexts();
  const program = buildProgram(undefined, { all: true });
  // A command's options include those of its subcommands (`mzops sql apply --host`).
  const optionsOf = (c: (typeof program.commands)[number]): (string | undefined)[] => [
    ...c.options.map((o) => o.long),
    ...c.commands.flatMap((sub) => optionsOf(sub as typeof c)),
  ];
  const commands = new Map(program.commands.map((c) => [c.name(), optionsOf(c)]));
  const options = new Set(['--help', ...[...commands.values()].flat()]);
  const scripts = Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts);
  const variables = new Set<string>(Object.values(VARIABLES).map((v) => v.name));

  it('finds the hints (the scan itself works)', () => {
    expect(hints.length).toBeGreaterThan(60);
  });

  it('every `mzops <command>` a hint names is a command, and every --option is one of its options', () => {
    const wrong: string[] = [];
    for (const { where, text } of hints) {
      for (const m of text.matchAll(/\bmzops ([a-z][a-z-]*)((?: (?:<expr>|[a-z0-9<>-]+|--[a-z-]+))*)/g)) {
        const known = commands.get(m[1]);
        if (!known) wrong.push(`${where}: mzops ${m[1]} is not a command`);
        for (const flag of m[2].match(/--[a-z-]+/g) ?? [])
          if (known && !known.includes(flag)) wrong.push(`${where}: mzops ${m[1]} has no ${flag}`);
      }
      for (const flag of text.replace(/\bmzops [^;,)]*/g, '').match(/(?<![\w-])--[a-z][a-z-]+/g) ?? []) {
        // Flags of other tools (git, kubectl, az, terraform) follow their command in the same hint.
        if (/\b(git|kubectl|az|terraform|helm|node|npm)\b/.test(text)) continue;
        if (!options.has(flag)) wrong.push(`${where}: ${flag} is no mzops option`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no hint leaves the environment for the user to fill in: it is known where the hint is made', () => {
    const placeholders = hints.filter(({ text }) => /<(environment|env|name)>/.test(text)).map(({ where, text }) => `${where}: ${text}`);
    expect(placeholders).toEqual([]);
  });

  it('every `npm run <script>` is a script, and every variable a hint asks for is in the variable registry', () => {
    const wrong: string[] = [];
    for (const { where, text } of hints) {
      for (const m of text.matchAll(/\bnpm run ([a-z][\w:-]*)/g)) if (!scripts.includes(m[1])) wrong.push(`${where}: npm run ${m[1]}`);
      for (const m of text.matchAll(/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g)) {
        if (m[0].startsWith('TF_VAR_') || variables.has(m[0])) continue;
        wrong.push(`${where}: ${m[0]} is not a variable mzops reads (model/variables.ts)`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

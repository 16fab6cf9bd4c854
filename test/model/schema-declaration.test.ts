import { join } from 'node:path';
import ts from 'typescript';
import { ENVIRONMENT_SCHEMA } from '../../model/environment';
import { s, type AnyShape } from '../../model/shape';
import { REPO_ROOT } from '../helpers';

/** Every field of the schema with its dotted path (array elements as `[]`). */
function fields(shape: AnyShape, path = ''): [string, AnyShape][] {
  const k = shape.kind;
  if (k.type === 'array') return fields(k.element, `${path}[]`);
  if (k.type !== 'object') return [];
  return Object.entries(k.props).flatMap(([key, field]) => {
    const here = path ? `${path}.${key}` : key;
    return [[here, field] as [string, AnyShape], ...fields(field, here)];
  });
}

/** A default as it would be written in TypeScript, the way the JSDoc `@default` tags write it. */
function source(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(source).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${k}: ${source(v)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return String(value);
}

const compilerOptions: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, noEmit: true };

/** The JSDoc each property of EnvironmentDefinition shows in an editor, by dotted path: what the type checker links it to. */
function documentedFields(): Map<string, { text: string; defaultTag?: string }> {
  const program = ts.createProgram([join(REPO_ROOT, 'model', 'environment.ts')], compilerOptions);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(join(REPO_ROOT, 'model', 'environment.ts'))!;
  const alias = file.statements.find(
    (st): st is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(st) && st.name.text === 'EnvironmentDefinition',
  )!;
  const out = new Map<string, { text: string; defaultTag?: string }>();
  const walk = (type: ts.Type, path: string) => {
    type = checker.getNonNullableType(type);
    if (checker.isArrayType(type)) return walk(checker.getTypeArguments(type as ts.TypeReference)[0], `${path}[]`);
    if (!(type.flags & ts.TypeFlags.Object) || checker.getIndexInfosOfType(type).length > 0) return;
    for (const prop of checker.getPropertiesOfType(type)) {
      const here = path ? `${path}.${prop.name}` : prop.name;
      const tag = prop.getJsDocTags(checker).find((t) => t.name === 'default');
      out.set(here, {
        text: ts.displayPartsToString(prop.getDocumentationComment(checker)),
        defaultTag: tag && ts.displayPartsToString(tag.text),
      });
      walk(checker.getTypeOfSymbol(prop), here);
    }
  };
  walk(checker.getTypeAtLocation(alias.name), '');
  return out;
}

describe('each field is declared once: type, default, rule, documentation and example together', () => {
  const schemaFields = fields(ENVIRONMENT_SCHEMA);
  const docs = documentedFields();

  it('the type an environment file is checked against has exactly the fields the run-time schema accepts', () => {
    const accepted = schemaFields.filter(([, f]) => f.mode !== 'computed').map(([p]) => p);
    // Computed fields sit under accepted ones; a path is accepted when none of its parts is computed.
    const computed = schemaFields.filter(([, f]) => f.mode === 'computed').map(([p]) => p);
    expect([...docs.keys()].sort()).toEqual(accepted.filter((p) => !computed.some((c) => p.startsWith(`${c}.`))).sort());
  });

  it("every defaulted field's @default, as the editor shows it, names the default the schema applies", () => {
    const wrong: string[] = [];
    for (const [path, field] of schemaFields) {
      if (field.mode !== 'defaulted') continue;
      const tag = docs.get(path)?.defaultTag;
      const d = field.defaultValue;
      // A section left out becomes {} with each field's own default: its fields carry the tags.
      const section = field.kind.type === 'object' && d && typeof d === 'object' && Object.keys(d).length === 0;
      if (section) continue;
      if (tag === undefined) wrong.push(`${path}: no @default`);
      else if (typeof d === 'function') {
        if (!tag.startsWith('-') && !tag.startsWith("'") && !/^\d/.test(tag))
          wrong.push(`${path}: @default ${tag} describes no computed default`);
      } else if (!tag.includes(source(d))) wrong.push(`${path}: @default ${tag}, but the schema applies ${source(d)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('every field an editor shows has documentation or a default', () => {
    const bare = [...docs].filter(([, d]) => !d.text && d.defaultTag === undefined).map(([p]) => p);
    expect(bare).toEqual([]);
  });

  it('every field with a rule, and every required field, carries an example that passes its rules', () => {
    // An enum's message lists its values, the first as the example.
    const missing = schemaFields.filter(
      ([, f]) => (f.rules.length > 0 || f.mode === 'required') && !['object', 'enum'].includes(f.kind.type) && !f.exampleText,
    );
    expect(missing.map(([p]) => p)).toEqual([]);
    // The example's leading value, where it is plain JSON ('"1" or "500m"' -> "1"), must pass the field's own rules.
    const failing = schemaFields.flatMap(([path, f]) => {
      const lead = /^("[^"]*"|-?\d+|true|false)/.exec(f.exampleText ?? '')?.[1];
      if (lead === undefined) return [];
      const value: unknown = JSON.parse(lead);
      return f.rules.filter((r) => !r.test(value)).map((r) => `${path}: example ${lead} ${r.rule}`);
    });
    expect(failing).toEqual([]);
  });

  it('an editor shows the JSDoc of a field while an environment file is written', () => {
    const file = join(REPO_ROOT, 'environments', '__hover__.ts');
    const text = `import { defineEnvironment } from '../model';\nexport default defineEnvironment({ name: 'x', prefix: 'xyz', postgres: { publicAccess: true }, aks: { materializePool: { vmSize: 'Standard_E4pds_v6' } }, materialize: { environmentId: '' }, gitops: { repositoryUrl: '' } });\n`;
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => compilerOptions,
      getScriptFileNames: () => [file],
      getScriptVersion: () => '1',
      getScriptSnapshot: (name) => ts.ScriptSnapshot.fromString(name === file ? text : (ts.sys.readFile(name) ?? '')),
      getCurrentDirectory: () => REPO_ROOT,
      getDefaultLibFileName: ts.getDefaultLibFilePath,
      fileExists: (name) => name === file || ts.sys.fileExists(name),
      readFile: (name) => (name === file ? text : ts.sys.readFile(name)),
    };
    const service = ts.createLanguageService(host);
    const hover = (word: string) => {
      const info = service.getQuickInfoAtPosition(file, text.indexOf(word) + 1)!;
      return `${ts.displayPartsToString(info.documentation)} ${info.tags?.map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`).join(' ')}`;
    };
    expect(hover('publicAccess')).toContain('Public endpoint with firewall rules from `allowedClientRanges`');
    expect(hover('publicAccess')).toContain('@default false - private access');
    expect(hover('vmSize')).toContain('model/vm-sizes.ts');
  });
});

describe('the schema library', () => {
  const schema = s.object({
    a: s.int().default(1),
    b: s.int().default(({ parent }) => parent.a * 10),
    nested: s.object({ c: s.string().default(({ root }) => `from ${root.b}`), d: s.boolean().optional() }).defaultEmpty(),
    list: s
      .array(s.object({ e: s.string(), f: s.string().default(({ parent, ancestors }) => `${parent.e}@${ancestors[0].a}`) }))
      .default([]),
    derived: s.computed(({ parent }) => parent.a + parent.b),
  });

  it('applies static defaults first, then computed ones in declaration order, with the surroundings resolved', () => {
    expect(schema.resolve({})).toEqual({ a: 1, b: 10, nested: { c: 'from 10' }, list: [], derived: 11 });
    expect(schema.resolve({ a: 2, list: [{ e: 'x' }, { e: 'y', f: 'z' }] })).toEqual({
      a: 2,
      b: 20,
      nested: { c: 'from 20' },
      list: [
        { e: 'x', f: 'x@2' },
        { e: 'y', f: 'z' },
      ],
      derived: 22,
    });
  });

  it('refuses a computed field in the input, as it refuses any unknown key', () => {
    const issues: unknown[] = [];
    schema.check({ derived: 3 }, [], issues as never);
    expect(issues).toEqual([{ code: 'unrecognized_keys', path: [], keys: ['derived'], known: ['a', 'b', 'nested', 'list'] }]);
  });

  it('checks rules on the resolved value, so a derived value is checked like a written one', () => {
    const named = s.object({
      prefix: s.string().default('ab'),
      name: s
        .string()
        .pattern(/^.{4,}$/, 'must be at least 4 characters')
        .default(({ parent }) => `${parent.prefix}-x`)
        .example('"abcd"'),
    });
    expect(named.ruleProblems(named.resolve({}))).toEqual([]);
    expect(named.ruleProblems(named.resolve({ prefix: 'a' }))).toEqual([
      { path: ['name'], rule: 'must be at least 4 characters', value: 'a-x', example: '"abcd"' },
    ]);
  });
});

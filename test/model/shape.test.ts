import { renderEnvironment } from '../../manifests/render';
import type { EnvironmentDefinition } from '../../model/environment';
import { loadEnvironment } from '../../model/load';
import { EnvironmentValidationError } from '../../model/validate';
import { definitions, exampleWith } from '../helpers';
import { synthStack } from '../infra/stack-fixture';

function messageOf(d: unknown): string {
  try {
    loadEnvironment(d as EnvironmentDefinition);
    return '';
  } catch (e) {
    if (e instanceof EnvironmentValidationError) return e.message;
    throw e;
  }
}

describe('the shape of an environment file, checked before anything else', () => {
  const cases: [string, (d: any) => void, string][] = [
    [
      'a misspelt section',
      (d) => ((d.postgress = d.postgres), delete d.postgres),
      'environment "example": postgress is not a field of the environment: did you mean "postgres"? (got {"version":"15","skuName":"B_Standard_B1ms","storageMb":3...); for example postgres: ...',
    ],
    [
      'a misspelt field',
      (d) => (d.postgres.maxConnection = 200),
      'environment "example": postgres.maxConnection is not a field of postgres: did you mean "maxConnections"? (got 200); for example maxConnections: ...',
    ],
    [
      'a misspelt top-level switch',
      (d) => (d.dataProtecton = true),
      'environment "example": dataProtecton is not a field of the environment: did you mean "dataProtection"? (got true); for example dataProtection: ...',
    ],
    [
      'a string where a boolean belongs (would have deployed a public server)',
      (d) => (d.postgres.publicAccess = 'false'),
      'environment "example": postgres.publicAccess must be a boolean, not a string (got "false"); for example true',
    ],
    [
      'a string for publicLoadBalancers',
      (d) => (d.access = { publicLoadBalancers: 'false' }),
      'environment "example": access.publicLoadBalancers must be a boolean, not a string (got "false"); for example true',
    ],
    [
      'a string that would disarm the environmentId guard',
      (d) => (d.materialize.forceEnvironmentIdChange = 'false'),
      'environment "example": materialize.forceEnvironmentIdChange must be a boolean, not a string (got "false"); for example true',
    ],
    [
      'a column type outside the list',
      (d) => (d.eventHubs.topics[0].views[0].columns[0].type = 'varchar'),
      'environment "example": eventHubs.topics[0].views[0].columns[0].type must be one of "text", "int", "bigint", "double", "numeric", "boolean", "timestamp", "timestamptz", "jsonb" (got "varchar"); for example "text"',
    ],
    [
      'an unknown envelope',
      (d) => (d.eventHubs.topics[0].source.envelope = 'debezium'),
      'environment "example": eventHubs.topics[0].source.envelope must be one of "none", "upsert" (got "debezium"); for example "none"',
    ],
    [
      'a string of ranges (was 14 messages, one per character)',
      (d) => (d.allowedClientRanges = '203.0.113.0/24'),
      'environment "example": allowedClientRanges must be an array, not a string (got "203.0.113.0/24"); for example []',
    ],
    [
      'topics as a string (was a TypeError)',
      (d) => (d.eventHubs.topics = 'orders'),
      'environment "example": eventHubs.topics must be an array, not a string (got "orders"); for example []',
    ],
    [
      'a view without columns (was a TypeError)',
      (d) => delete d.eventHubs.topics[0].views[0].columns,
      'environment "example": eventHubs.topics[0].views[0].columns is required (an array) (missing); for example [{ name: "order_id", type: "text" }]',
    ],
    [
      'a missing environmentId',
      (d) => delete d.materialize.environmentId,
      'environment "example": materialize.environmentId is required: a lowercase UUID, generated once and never changed (missing); for example "7f615ba3-1c4e-4f5a-9d1b-3a2c5e8f9b01" (node -e "console.log(crypto.randomUUID())")',
    ],
  ];

  it.each(cases)('refuses %s with one clear line', (_what, change, message) => {
    expect(messageOf(exampleWith(change))).toBe(message);
  });

  it('says at most 10 lines however many problems', () => {
    const lines = messageOf(
      exampleWith((d: any) => {
        for (let i = 0; i < 15; i++) d[`extra${i}`] = i;
      }),
    ).split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe('and 5 more');
  });

  it('puts role grants through the name check, never into SQL', () => {
    expect(
      messageOf(exampleWith((d) => (d.eventHubs!.roles = [{ name: 'analyst', selectOn: ['orders; DROP ROLE mz_system; --'] }]))),
    ).toMatch(/eventHubs.roles\[0\].selectOn\[0\] must name a source or view of eventHubs.topics/);
  });
});

/**
 * Every key of every fixture, dropped, renamed and retyped in turn: each mutant is either valid
 * (and then renders and synthesizes) or refused cleanly, naming the mutated path.
 */
describe('mutants of the fixtures', () => {
  type Mutant = { what: string; path: string; definition: unknown };
  const mutants: Mutant[] = [];
  const walk = (root: EnvironmentDefinition, node: unknown, path: (string | number)[]) => {
    if (!node || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      const here = [...path, Array.isArray(node) ? Number(key) : key];
      const label = here.reduce<string>((a, k) => (typeof k === 'number' ? `${a}[${k}]` : a ? `${a}.${k}` : k), '');
      const edit = (fn: (parent: any, k: string | number) => void): unknown => {
        const copy = structuredClone(root) as any;
        let parent = copy;
        for (const k of here.slice(0, -1)) parent = parent[k];
        fn(parent, here[here.length - 1]);
        return copy;
      };
      if (!Array.isArray(node)) {
        mutants.push({ what: `drop ${label}`, path: label, definition: edit((p, k) => delete p[k]) });
        mutants.push({
          what: `rename ${label}`,
          path: `${label}x`.replace(/\.([^.]+)x$/, '.$1x'),
          definition: edit((p, k) => ((p[`${String(k)}x`] = p[k]), delete p[k])),
        });
      }
      const value = (node as Record<string, unknown>)[key];
      mutants.push({
        what: `retype ${label}`,
        path: label,
        definition: edit(
          (p, k) =>
            (p[k] = typeof value === 'string' ? 7 : typeof value === 'number' ? 'seven' : typeof value === 'boolean' ? 'true' : 'x'),
        ),
      });
      walk(root, value, here);
    }
  };
  for (const name of Object.keys(definitions)) walk(definitions[name], definitions[name], []);

  it('has a mutant for every key, three kinds each', () => {
    expect(mutants.length).toBeGreaterThan(300);
  });

  it('each mutant is valid and synthesizes, or is refused cleanly (a renamed or retyped key by its path)', () => {
    const bad: string[] = [];
    const synthesized = new Set<string>();
    let valid = 0;
    for (const m of mutants) {
      let env;
      try {
        env = loadEnvironment(m.definition as EnvironmentDefinition);
      } catch (e) {
        if (!(e instanceof EnvironmentValidationError)) bad.push(`${m.what}: ${(e as Error).message}`);
        // A dropped key may be refused for its consequence elsewhere (a grant on a view now gone); a misspelt or mistyped one must be named.
        else if (
          !m.what.startsWith('drop') &&
          !e.problems.some((p) => p.field === m.path || m.path.startsWith(`${p.field}.`) || m.path.startsWith(`${p.field}[`))
        )
          bad.push(`${m.what}: ${e.message.split('\n')[0]}`);
        continue;
      }
      valid++;
      // Mutants that resolve to an environment already synthesized (a dropped default) are not synthesized again.
      const key = JSON.stringify(env);
      if (synthesized.has(key)) continue;
      synthesized.add(key);
      try {
        renderEnvironment(env, { sealed: null });
        synthStack(env);
      } catch (e) {
        bad.push(`${m.what}: valid but does not synthesize: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(bad).toEqual([]);
    expect(valid).toBeGreaterThan(20);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from '../helpers';

/**
 * The add-a-field recipe (README, Layout): a construct takes its model section whole, so a new
 * field of that section reaches the construct without the stack changing. Checked on the stack's
 * source: each of these constructs is handed `<section>: env.<section>`.
 */
const SECTIONS: Record<string, string> = {
  Network: 'network',
  AksCluster: 'aks',
  MetadataDatabase: 'postgres',
  PersistStorage: 'storage',
  EventHubs: 'eventHubs',
  FluxGitOps: 'gitops',
};

it('hands each construct its model section whole', () => {
  const file = join(REPO_ROOT, 'infra', 'materialize-stack.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Record<string, string | undefined> = {};
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text in SECTIONS) {
      const section = SECTIONS[node.expression.text];
      const props = node.arguments?.[2];
      const prop =
        props && ts.isObjectLiteralExpression(props)
          ? props.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText() === section)
          : undefined;
      found[node.expression.text] = prop && ts.isPropertyAssignment(prop) ? prop.initializer.getText() : undefined;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  expect(found).toEqual(Object.fromEntries(Object.entries(SECTIONS).map(([c, s]) => [c, `env.${s}`])));
});

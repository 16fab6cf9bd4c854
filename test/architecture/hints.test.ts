import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
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

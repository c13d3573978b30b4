import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const repo = resolve(__dirname, '../../..');

/**
 * The keys of the object createCommands() returns, and whether each value is a named factory (an identifier).
 * Read from the source with the TypeScript parser: the table imports `vscode`, which only the extension host has.
 */
function commandTable(): { id: string; named: boolean }[] {
  const file = join(repo, 'src/vscode/commands.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const fn = source.statements.find(
    (s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === 'createCommands',
  );
  assert.ok(fn?.body, 'src/vscode/commands.ts has no createCommands()');
  const ret = fn.body.statements.find(ts.isReturnStatement);
  assert.ok(ret?.expression && ts.isObjectLiteralExpression(ret.expression), 'createCommands() returns no object');
  return ret.expression.properties.map((p) => {
    assert.ok(ts.isPropertyAssignment(p) && ts.isStringLiteral(p.name), `not an 'id': factory entry: ${p.getText()}`);
    return { id: p.name.text, named: ts.isIdentifier(p.initializer) };
  });
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('command table', () => {
  it('lists exactly the commands package.json contributes, in the same order, each a named factory', () => {
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string }[] };
    };
    const table = commandTable();
    assert.deepEqual(
      table.map((e) => e.id),
      manifest.contributes.commands.map((c) => c.command),
    );
    assert.deepEqual(
      table.filter((e) => !e.named).map((e) => e.id),
      [],
      'each command is a named factory, not an inline closure',
    );
  });

  it('is the only place commands are registered (through command())', () => {
    const registering = sources(join(repo, 'src'))
      .filter((f) => /\bregisterCommand\(|\bregisterTextEditorCommand\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(repo, f));
    assert.deepEqual(registering, ['src/vscode/command.ts']);
  });
});

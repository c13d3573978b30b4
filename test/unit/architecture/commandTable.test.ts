import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const repo = resolve(__dirname, '../../..');

/**
 * The entries of the object createCommands() returns: each id with the module its factory is imported from (on the
 * command's first run) and the factory's name, when the entry is `later(<loader>, '<name>')` with a loader declared
 * as `const <loader> = () => import('<module>')`. Read from the source with the TypeScript parser: the table imports
 * `vscode`, which only the extension host has.
 */
function commandTable(): { id: string; module?: string; name?: string }[] {
  const file = join(repo, 'src/vscode/commands.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const loaders = new Map<string, string>();
  for (const s of source.statements) {
    if (!ts.isVariableStatement(s)) continue;
    for (const d of s.declarationList.declarations) {
      const body = d.initializer && ts.isArrowFunction(d.initializer) ? d.initializer.body : undefined;
      if (
        ts.isIdentifier(d.name) &&
        body &&
        ts.isCallExpression(body) &&
        body.expression.kind === ts.SyntaxKind.ImportKeyword
      ) {
        const [arg] = body.arguments;
        if (arg && ts.isStringLiteral(arg)) loaders.set(d.name.text, join(repo, 'src/vscode', `${arg.text}.ts`));
      }
    }
  }
  const fn = source.statements.find(
    (s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === 'createCommands',
  );
  assert.ok(fn?.body, 'src/vscode/commands.ts has no createCommands()');
  const ret = fn.body.statements.find(ts.isReturnStatement);
  assert.ok(ret?.expression && ts.isObjectLiteralExpression(ret.expression), 'createCommands() returns no object');
  return ret.expression.properties.map((p) => {
    assert.ok(ts.isPropertyAssignment(p) && ts.isStringLiteral(p.name), `not an 'id': factory entry: ${p.getText()}`);
    const call = p.initializer;
    if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'later')
      return { id: p.name.text };
    const [loader, name] = call.arguments;
    return {
      id: p.name.text,
      ...(loader && ts.isIdentifier(loader) && loaders.has(loader.text) ? { module: loaders.get(loader.text) } : {}),
      ...(name && ts.isStringLiteral(name) ? { name: name.text } : {}),
    };
  });
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('command table', () => {
  it('lists exactly the commands package.json contributes, in the same order, each a named factory of a module', () => {
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string }[] };
    };
    const table = commandTable();
    assert.deepEqual(
      table.map((e) => e.id),
      manifest.contributes.commands.map((c) => c.command),
    );
    assert.deepEqual(
      table.filter((e) => !e.module || !e.name).map((e) => e.id),
      [],
      "each command is later(<loader of its feature's module>, '<factory name>'), not an inline closure",
    );
    for (const e of table) {
      const exported = new RegExp(String.raw`^export const ${e.name}: CommandFactory\b`, 'm');
      assert.match(readFileSync(e.module!, 'utf8'), exported, `${e.id}: ${e.module} exports no factory ${e.name}`);
    }
  });

  it('is the only place commands are registered (through command())', () => {
    const registering = sources(join(repo, 'src'))
      .filter((f) => /\bregisterCommand\(|\bregisterTextEditorCommand\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(repo, f));
    assert.deepEqual(registering, ['src/vscode/command.ts']);
  });
});

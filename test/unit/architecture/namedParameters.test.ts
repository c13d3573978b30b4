import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const repo = resolve(__dirname, '../../..');

/** More positional parameters than this and a function takes an options object instead. */
const MAX_POSITIONAL = 3;

/**
 * Signatures that keep more positional parameters because a VS Code API calls them with that shape
 * (`file:name`, each with the API that forces it). None today.
 */
const EXEMPT = new Map<string, string>();

/**
 * Every function, method, constructor, arrow function and call signature in `text` with more than
 * MAX_POSITIONAL parameters, as `file:line name (count)`. Function types (a callback's annotated
 * shape) are left out: the function a caller passes is declared somewhere and checked there.
 */
export function wideSignatures(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && !ts.isFunctionTypeNode(node) && !ts.isConstructorTypeNode(node)) {
      // A rest parameter is a list of like items (`el`'s children, as DOM's `append`), not a position to remember.
      const params = node.parameters.filter(
        (p) => !(ts.isIdentifier(p.name) && p.name.text === 'this') && !p.dotDotDotToken,
      );
      if (params.length > MAX_POSITIONAL) {
        const name = nameOf(node);
        if (!EXEMPT.has(`${file}:${name}`)) {
          const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
          found.push(`${file}:${line} ${name} (${params.length})`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function nameOf(node: ts.SignatureDeclaration): string {
  if (ts.isConstructorDeclaration(node))
    return `${(node.parent as ts.ClassLikeDeclaration).name?.text ?? 'class'}.constructor`;
  if (node.name) return node.name.getText();
  if (ts.isVariableDeclaration(node.parent)) return node.parent.name.getText();
  if (ts.isPropertyAssignment(node.parent)) return node.parent.name.getText();
  return 'anonymous';
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('named parameters', () => {
  it('finds a function, a method, a constructor and an arrow function with four positional parameters', () => {
    const text = [
      'function f(a: number, b: number, c: number, d: number) {}',
      'class K { constructor(a: 1, b: 2, c: 3, d: 4) {} m(a: 1, b: 2, c: 3, d: 4) {} }',
      'const g = (a: 1, b: 2, c: 3, d: 4) => a;',
      'function ok(this: unknown, a: 1, b: 2, c: { d: 3; e: 4 }) {}',
      'function children(a: 1, b: 2, c: 3, ...rest: 4[]) {}',
      'function wide(a: 1, b: 2, c: 3, d: 4, ...rest: 5[]) {}',
      'type Callback = (a: 1, b: 2, c: 3, d: 4) => void;',
    ].join('\n');
    assert.deepEqual(wideSignatures('x.ts', text), [
      'x.ts:1 f (4)',
      'x.ts:2 K.constructor (4)',
      'x.ts:2 m (4)',
      'x.ts:3 g (4)',
      'x.ts:6 wide (4)',
    ]);
  });

  it(`every function in src/ and the webview pages (media/*/src) takes at most ${MAX_POSITIONAL} positional parameters (more go in an options object)`, () => {
    const pages = readdirSync(join(repo, 'media'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(repo, 'media', e.name, 'src')))
      .map((e) => join(repo, 'media', e.name, 'src'));
    assert.ok(pages.length >= 2, 'the webview pages are under media/*/src');
    const wide = [join(repo, 'src'), ...pages]
      .flatMap(tsFiles)
      .flatMap((f) => wideSignatures(relative(repo, f), readFileSync(f, 'utf8')));
    assert.deepEqual(wide, []);
  });
});

// How media/sizes/ is produced from this folder. The .vsix ships media/ but not node_modules/, so the
// webview script and the codicon font are committed there; a unit test fails when they are stale
// and rewrites them with UPDATE_WEBVIEW=1. Node-only: never imported by the extension or the webview.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..', '..');
export const mediaDir = join(repoRoot, 'media', 'sizes');

const BANNER = '// Generated from src/vscode/sizes/webview/ (UPDATE_WEBVIEW=1 npx mocha test/unit/sizes/webviewBundle.test.ts). Do not edit.';

export async function bundleWebview(): Promise<string> {
  const result = await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: ['src/vscode/sizes/webview/main.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: false,
    charset: 'utf8',
    legalComments: 'none',
    banner: { js: BANNER },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Files copied verbatim from @vscode/codicons into media/sizes/codicons/. */
export function codiconFiles(): Array<{ name: string; content: Buffer }> {
  const dist = join(repoRoot, 'node_modules', '@vscode', 'codicons', 'dist');
  return ['codicon.css', 'codicon.ttf'].map((name) => ({ name, content: readFileSync(join(dist, name)) }));
}

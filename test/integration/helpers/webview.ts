import * as assert from 'node:assert/strict';

/** What a panel API's current() returns: the page's HTML and its resource roots. */
interface PanelPage {
  html: string;
  localResourceRoots: string[];
}

/**
 * The strict CSP every panel serves: default-src none, a nonce on its only script (`media/<folder>/<script>`),
 * no inline styles, and resources from its own media folder only.
 */
export function assertStrictCsp(page: PanelPage, folder: string, script: string): void {
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(page.html)?.[1] ?? '';
  assert.match(csp, /^default-src 'none'; /);
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
  assert.ok(nonce && nonce.length >= 16, csp);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const scripts = [...page.html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
  assert.equal(scripts.length, 1);
  assert.ok(
    scripts[0]!.includes(`nonce="${nonce}"`) && scripts[0]!.includes(`/media/${folder}/${script}"`),
    scripts[0],
  );
  assert.deepEqual(
    page.localResourceRoots.map((u) => u.slice(u.lastIndexOf('/media/') + 1)),
    [`media/${folder}`],
  );
  assert.doesNotMatch(page.html, /<style|style="/);
}

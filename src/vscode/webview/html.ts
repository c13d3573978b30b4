// The page shell every webview panel loads: CSP with a fresh nonce, codicons, the panel's stylesheet and script.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** What differs between panels; everything else (CSP, codicons, layout) is the same for all. */
export interface PageShell {
  /** The panel kind's view type (its serializer restores panels of this type). */
  viewType: string;
  /** The folder under media/ holding the bundled script, its stylesheet and the codicon font. */
  media: string;
  /** File names inside that folder. */
  script: string;
  stylesheet: string;
  title: string;
  /** Shown until the script posts its first render. */
  loading: string;
}

/** The panel's only resources live under media/<folder>. */
export function mediaRoot(extensionUri: vscode.Uri, media: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'media', media);
}

const attr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, shell: PageShell): string {
  const nonce = randomBytes(16).toString('base64');
  const media = mediaRoot(extensionUri, shell.media);
  const uri = (...parts: string[]): string =>
    attr(webview.asWebviewUri(vscode.Uri.joinPath(media, ...parts)).toString());
  const src = attr(webview.cspSource);
  const csp = [
    `default-src 'none'`,
    `style-src ${src}`,
    `font-src ${src}`,
    `img-src ${src}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('codicons', 'codicon.css')}">
<link rel="stylesheet" href="${uri('page.css')}">
<link rel="stylesheet" href="${uri(shell.stylesheet)}">
<title>${attr(shell.title)}</title>
</head>
<body>
<main id="app"><p>${attr(shell.loading)}</p></main>
<script nonce="${nonce}" src="${uri(shell.script)}"></script>
</body>
</html>`;
}

export function webviewOptions(extensionUri: vscode.Uri, shell: PageShell): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [mediaRoot(extensionUri, shell.media)] };
}

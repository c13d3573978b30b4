import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The panel's only resources: the bundled script, its stylesheet and the codicon font, all under media/timeline. */
export function mediaRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'media', 'timeline');
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const media = mediaRoot(extensionUri);
  const uri = (...parts: string[]): string => attr(webview.asWebviewUri(vscode.Uri.joinPath(media, ...parts)).toString());
  const src = attr(webview.cspSource);
  const csp = [`default-src 'none'`, `style-src ${src}`, `font-src ${src}`, `img-src ${src}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('codicons', 'codicon.css')}">
<link rel="stylesheet" href="${uri('timeline.css')}">
<title>Build Timeline</title>
</head>
<body>
<main id="app"><p>Reading build timings…</p></main>
<script nonce="${nonce}" src="${uri('timeline.js')}"></script>
</body>
</html>`;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [mediaRoot(extensionUri)] };
}

import * as vscode from 'vscode';

const scheme = 'multiarch-plan';

/** Where Show Build Plan puts its text: read-only documents (a virtual document cannot be edited or saved). */
export interface PlanDocuments {
  /** Stores the plan's text and returns the document's URI. */
  put(name: string, text: string): vscode.Uri;
}

export function registerPlan(context: vscode.ExtensionContext): PlanDocuments {
  const plans = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(scheme, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) =>
        plans.get(uri.toString()) ?? '# This plan is no longer available; run "Multi-Arch: Show Build Plan" again.\n',
    }),
  );
  return {
    put: (name, text) => {
      const uri = vscode.Uri.from({ scheme, path: `/${name}.sh` });
      plans.set(uri.toString(), text);
      changed.fire(uri);
      return uri;
    },
  };
}

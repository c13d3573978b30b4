import * as vscode from 'vscode';

/**
 * Runs one argv as a task in the integrated terminal (ProcessExecution: no shell, every value one argument)
 * and resolves with its exit code, so the user watches builder/emulator commands run and can re-run them.
 */
export async function runArgvTask(name: string, argv: string[], cwd?: string): Promise<number | undefined> {
  const [program, ...args] = argv;
  const task = new vscode.Task(
    { type: 'multiarch-tool', argv },
    vscode.TaskScope.Workspace,
    name,
    'multiarch',
    new vscode.ProcessExecution(program!, args, cwd ? { cwd } : {}),
    [],
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  const execution = await vscode.tasks.executeTask(task);
  return new Promise((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution === execution) {
        sub.dispose();
        resolve(e.exitCode);
      }
    });
  });
}

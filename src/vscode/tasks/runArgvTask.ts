import * as vscode from 'vscode';
import { programsFromEnv, withProgram } from '../../core/engines/programs';

/** A builder or emulator command as a task: `{ "type": "multiarch-tool", "argv": [...] }` (taskDefinitions in package.json). */
export interface ToolTaskDefinition extends vscode.TaskDefinition {
  type: typeof toolTaskType;
  argv: string[];
}

export const toolTaskType = 'multiarch-tool';

export function isToolTaskDefinition(d: vscode.TaskDefinition): d is ToolTaskDefinition {
  return (
    d.type === toolTaskType &&
    Array.isArray(d.argv) &&
    d.argv.length > 0 &&
    d.argv.every((a: unknown) => typeof a === 'string')
  );
}

/**
 * The task for one argv (ProcessExecution: no shell, every value one argument). `docker` and `podman` run
 * as $MULTIARCH_DOCKER / $MULTIARCH_PODMAN, the same programs builds use.
 */
export function toolTask(
  name: string,
  definition: ToolTaskDefinition,
  {
    scope = vscode.TaskScope.Workspace,
    cwd,
  }: { scope?: vscode.TaskScope | vscode.WorkspaceFolder | undefined; cwd?: string | undefined } = {},
): vscode.Task {
  const [file, ...args] = withProgram(definition.argv, programsFromEnv(process.env));
  const task = new vscode.Task(
    definition,
    scope,
    name,
    'multiarch',
    new vscode.ProcessExecution(file!, args, cwd ? { cwd } : {}),
    [],
  );
  task.presentationOptions = {
    reveal: vscode.TaskRevealKind.Always,
    panel: vscode.TaskPanelKind.Dedicated,
    clear: true,
  };
  return task;
}

/**
 * Runs one argv as a task in the integrated terminal and resolves with its exit code, so the user watches
 * builder/emulator commands run and can re-run them.
 */
export async function runArgvTask(name: string, argv: string[], cwd?: string): Promise<number | undefined> {
  const execution = await vscode.tasks.executeTask(toolTask(name, { type: toolTaskType, argv }, { cwd }));
  return new Promise((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution === execution) {
        sub.dispose();
        resolve(e.exitCode);
      }
    });
  });
}

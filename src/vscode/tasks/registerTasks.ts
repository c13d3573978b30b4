import * as vscode from 'vscode';
import type { BuildService } from '../build/buildService';
import type { ConfigModel } from '../model/configModel';
import { isMultiArchDefinition, taskType, type MultiArchTaskDefinition } from '../build/taskDefinition';
import { isToolTaskDefinition, toolTask, toolTaskType } from './runArgvTask';

/**
 * The task providers: one `multiarch` task per variant plus "all", for every folder, and tasks.json entries of
 * both types resolved to the same tasks the build and builder commands run.
 */
export function registerTasks(context: vscode.ExtensionContext, model: ConfigModel, builds: BuildService): void {
  context.subscriptions.push(
    vscode.tasks.registerTaskProvider(taskType, {
      provideTasks: async () => {
        await model.reload();
        return model.configs.flatMap(({ folder, config }) => {
          const defs: MultiArchTaskDefinition[] = [
            { type: taskType, variant: 'all' },
            ...config.variants.map((v) => ({ type: taskType, variant: v.name }) as MultiArchTaskDefinition),
          ];
          return defs.map((d) => builds.createTask(d, folder));
        });
      },
      resolveTask: (task) => {
        const definition = task.definition;
        if (!isMultiArchDefinition(definition)) return undefined;
        const scope = task.scope;
        const folder = scope && typeof scope === 'object' ? scope : vscode.workspace.workspaceFolders?.[0];
        return folder ? builds.createTask(definition, folder) : undefined;
      },
    }),
    // `multiarch-tool`: builder and emulator commands (runArgvTask.ts); none is listed, tasks.json ones resolve.
    vscode.tasks.registerTaskProvider(toolTaskType, {
      provideTasks: () => [],
      resolveTask: (task) =>
        isToolTaskDefinition(task.definition) ? toolTask(task.name, task.definition, { scope: task.scope }) : undefined,
    }),
  );
}

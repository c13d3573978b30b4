import * as vscode from 'vscode';
import { ConfigEditError, type NodeEntry } from '../../core/config/editNodes';
import { nodeTimeoutMs } from '../../core/build/runner';
import { describeNode } from '../../core/nodes/endpoint';
import type { NodeProbe } from '../../core/nodes/types';
import type { CommandContext, CommandFactory } from '../command';
import { showError, type Log } from '../log';
import { askForNode, type SaveTarget } from './addNodeFlow';
import type { BuildNodeItem } from './buildNodeItems';
import { probeTimeoutMs } from './nodeProbes';
import { removeNode, saveNode } from './nodeStore';
import { quickInputPrompter, type Prompter } from './prompter';

// Add Build Node, Remove Build Node, Test Connection.

async function pickNode({ builders }: CommandContext, title: string): Promise<BuildNodeItem | undefined> {
  const items = builders.buildNodes();
  if (!items.length) {
    void vscode.window.showInformationMessage(
      'There are no build nodes yet; add one with "Multi-Arch: Add Build Node".',
    );
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    items.map((i) => ({ label: i.node.name, description: `${i.node.engine} · ${i.node.endpoint}`, item: i })),
    { title },
  );
  return pick?.item;
}

function failed(log: Log, err: unknown): undefined {
  if (!(err instanceof Error)) throw err;
  // Our own refusals already say what to do; anything else (a read-only file, a settings write) gets the next step here.
  void showError(
    log,
    err instanceof ConfigEditError
      ? err.message
      : `${err.message.replace(/[.;]\s*$/, '')}; check that the file or your user settings can be written, then try again.`,
  );
  return undefined;
}

/** The argument is a Builders view row, or (for callers other than menus) `{ prompter }` that answers the steps. */
export const addBuildNode: CommandFactory = {
  create:
    ({ model, builders, log }) =>
    async (arg?: unknown): Promise<NodeEntry | undefined> => {
      const prompter: Prompter = isPrompterArg(arg) ? arg.prompter : quickInputPrompter;
      await model.reload();
      const taken = [
        ...new Set([...builders.buildNodes().map((i) => i.node.name), ...model.machineNodes.map((n) => n.name)]),
      ];
      const targets: SaveTarget[] = [
        ...model.folders.flatMap((f) =>
          f.config.kind === 'file'
            ? [{ kind: 'file' as const, file: f.config.file, label: vscode.workspace.asRelativePath(f.config.file) }]
            : [],
        ),
        { kind: 'setting' },
      ];
      const answer = await askForNode(prompter, taken, targets);
      if (!answer) return undefined;
      try {
        const where = await saveNode(answer.target, answer.node);
        log.info(`build node ${answer.node.name} (${answer.node.endpoint}) added to ${where}`);
        await model.refresh();
        void vscode.window.showInformationMessage(
          `Added build node ${answer.node.name} to ${where}; the Builders view shows whether it answers.`,
        );
        return answer.node;
      } catch (err) {
        return failed(log, err);
      }
    },
};

export const removeBuildNode: CommandFactory = {
  create: (ctx) => {
    const { model, log } = ctx;
    return async (arg?: BuildNodeItem): Promise<boolean> => {
      const item = arg?.kind === 'buildNode' ? arg : await pickNode(ctx, 'Remove which build node?');
      if (!item) return false;
      try {
        const where = await removeNode(
          item.node.name,
          item.file ? { kind: 'file', file: item.file } : { kind: 'setting' },
        );
        log.info(`build node ${item.node.name} removed from ${where}`);
        await model.refresh();
        const undo = item.file ? ' (Undo in the editor brings it back)' : '';
        void vscode.window.showInformationMessage(
          `Removed build node ${item.node.name} from ${where}${undo}; its platforms build here now.`,
        );
        return true;
      } catch (err) {
        failed(log, err);
        return false;
      }
    };
  },
};

export const testConnection: CommandFactory = {
  create: (ctx) => {
    const { builders, log } = ctx;
    return async (arg?: BuildNodeItem): Promise<NodeProbe | undefined> => {
      const item = arg?.kind === 'buildNode' ? arg : await pickNode(ctx, 'Test the connection to which build node?');
      if (!item) return undefined;
      if (builders.probeOf(item) === 'restricted') {
        void vscode.window.showWarningMessage(
          `${item.node.name} comes from this workspace's multiarch.yaml; trust the workspace first (Workspaces: Manage Workspace Trust), then test it.`,
        );
        return undefined;
      }
      // Asked for by the user: wait as long as a build would, so a slow node is told apart from a dead one.
      const started = Date.now();
      const probe = await builders.probes.probe(item.node, nodeTimeoutMs);
      const seconds = (Date.now() - started) / 1000;
      if (!probe.reachable || probe.error) {
        // The probe's message already says what to check on that machine.
        void showError(log, probe.error ?? `node ${describeNode(item.node)} did not answer`);
        return probe;
      }
      const emulated = probe.emulatedPlatforms?.length ? `; emulates ${probe.emulatedPlatforms.join(', ')}` : '';
      const notNative = item.node.platforms.filter((p) => !(probe.nativePlatforms ?? []).includes(p));
      const message = `Build node ${describeNode(item.node)} answers: ${item.node.engine} ${probe.engineVersion ?? ''}, native ${(probe.nativePlatforms ?? []).join(', ')}${emulated}.`;
      log.info(`${message} (${seconds.toFixed(1)} s)`);
      if (seconds * 1000 > probeTimeoutMs) {
        void vscode.window.showWarningMessage(
          `${message} But it took ${seconds.toFixed(1)} s: the Builders view waits ${probeTimeoutMs / 1000} s and builds ${nodeTimeoutMs / 1000} s before counting a node unreachable; check the network or the load on ${item.node.name}.`,
        );
      } else if (notNative.length) {
        void vscode.window.showWarningMessage(
          `${message} It is configured for ${notNative.join(', ')}, which it does not run natively: those cells would build under emulation there; change its platforms to ${(probe.nativePlatforms ?? []).join(', ')}.`,
        );
      } else void vscode.window.showInformationMessage(message);
      return probe;
    };
  },
};

function isPrompterArg(arg: unknown): arg is { prompter: Prompter } {
  const p = (arg as { prompter?: Partial<Prompter> } | undefined)?.prompter;
  return typeof p?.input === 'function' && typeof p.pickOne === 'function' && typeof p.pickMany === 'function';
}

import * as vscode from 'vscode';
import {
  appendNodeArgv,
  createBuilderArgv,
  installBinfmtArgv,
  useBuilderArgv,
} from '../../core/engines/buildxBuilders';
import { programsFromEnv, withProgram } from '../../core/engines/programs';
import { runTool } from '../../core/engines/exec';
import { knownPlatforms } from '../../core/config/platform';
import type { CommandContext, CommandFactory } from '../command';
import { showError } from '../log';
import { setEngineSetting } from '../settings';
import { runArgvTask } from '../tasks/runArgvTask';
import type { BuildersRow } from './buildersTree';

const builderName = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

// Select Engine, Select Builder, Create Multi-Platform Builder, Add Remote Node, Install QEMU Emulators.

/** What the builder commands run, refused in Restricted Mode. */
const builderTrust = 'Managing builders runs docker commands';

async function requireBuildx({ engines, log }: CommandContext): Promise<boolean> {
  const d = await engines.detect();
  if (d.buildx.available) return true;
  void showError(
    log,
    `Builders need the docker buildx plugin (${d.buildx.problem}). Install Docker with buildx (docker-buildx-plugin), then run "Multi-Arch: Refresh Builders".`,
  );
  return false;
}

export const refreshBuilders: CommandFactory = {
  create:
    ({ engines, builders }) =>
    () => {
      engines.refresh();
      builders.refresh();
    },
};

export const selectEngine: CommandFactory = {
  create:
    ({ engines, log }) =>
    async () => {
      const d = await engines.detect();
      const items: (vscode.QuickPickItem & { value: string })[] = [
        { value: 'auto', label: 'auto', description: 'buildx, then podman, then docker' },
        {
          value: 'buildx',
          label: 'buildx',
          description: d.buildx.available ? `docker buildx ${d.buildx.version}` : `not available: ${d.buildx.problem}`,
        },
        {
          value: 'podman',
          label: 'podman',
          description: d.podman.available ? `podman ${d.podman.version}` : `not available: ${d.podman.problem}`,
        },
        {
          value: 'docker',
          label: 'docker',
          description: d.docker.available
            ? `Docker ${d.docker.server}, one platform per build`
            : `not available: ${d.docker.problem}`,
        },
      ];
      for (const i of items) if (i.value === engines.setting) i.picked = true;
      const pick = await vscode.window.showQuickPick(items, {
        title: 'Container engine for Multi-Arch builds',
        placeHolder: `current: ${engines.setting}`,
      });
      if (!pick) return;
      await setEngineSetting(pick.value);
      engines.refresh();
      const choice = await engines.choose();
      if (!choice.ok) void showError(log, choice.message);
    },
};

export const selectBuilder: CommandFactory = {
  trust: builderTrust,
  create: (ctx) => {
    const { builders, log } = ctx;
    return async (row?: BuildersRow) => {
      if (!(await requireBuildx(ctx))) return;
      let name = row?.kind === 'builder' ? row.builder.name : undefined;
      if (!name) {
        const known = (await builders.support()).builders ?? [];
        const pick = await vscode.window.showQuickPick(
          known.map((b) => ({
            label: b.name,
            description: `${b.driver}${b.current ? ' · active' : ''}`,
            detail: b.nodes.map((n) => `${n.name}: ${n.platforms.map((p) => p.platform).join(', ')}`).join('  '),
          })),
          { title: 'Select buildx builder' },
        );
        name = pick?.label;
      }
      if (!name) return;
      const r = await runTool(withProgram(useBuilderArgv(name), programsFromEnv(process.env)), { timeoutMs: 10_000 });
      if (!r.ok) {
        void showError(log, `docker buildx use ${name} failed: ${(r.stderr || r.spawnError || '').trim()}`);
        return;
      }
      log.info(`active builder: ${name}`);
      builders.refresh();
    };
  },
};

export const createBuilder: CommandFactory = {
  trust: builderTrust,
  create: (ctx) => {
    const { builders, log } = ctx;
    return async () => {
      if (!(await requireBuildx(ctx))) return;
      const name = await vscode.window.showInputBox({
        title: 'Create Multi-Platform Builder (docker-container driver)',
        value: 'multiarch',
        validateInput: (v) => (builderName.test(v) ? undefined : 'Use letters, digits, "_", "." or "-"'),
      });
      if (!name) return;
      const code = await runArgvTask(`create builder ${name}`, createBuilderArgv({ name, use: true, bootstrap: true }));
      if (code !== 0)
        void showError(log, `Creating builder "${name}" failed (exit ${code}); see the terminal for the reason.`);
      builders.refresh();
    };
  },
};

export const addRemoteNode: CommandFactory = {
  trust: builderTrust,
  create: (ctx) => {
    const { builders, log } = ctx;
    return async (row?: BuildersRow) => {
      if (!(await requireBuildx(ctx))) return;
      const known = (await builders.support()).builders ?? [];
      const builder =
        row?.kind === 'builder'
          ? row.builder.name
          : await vscode.window.showQuickPick(
              known.filter((b) => b.driver !== 'docker').map((b) => b.name),
              { title: 'Add a node to which builder?' },
            );
      if (!builder) return;
      const nodeName = await vscode.window.showInputBox({
        title: 'Node name',
        value: `${builder}-arm64`,
        validateInput: (v) => (builderName.test(v) ? undefined : 'Use letters, digits, "_", "." or "-"'),
      });
      if (!nodeName) return;
      const platforms = await vscode.window.showQuickPick(knownPlatforms, {
        title: 'Platforms this node builds natively',
        canPickMany: true,
      });
      if (!platforms?.length) return;
      const endpoint = await vscode.window.showInputBox({
        title: 'Endpoint of the remote machine',
        placeHolder: 'ssh://user@arm-host or tcp://arm-host:2376',
        validateInput: (v) => (/^(ssh|tcp):\/\/[^\s]+$/.test(v) ? undefined : 'Use ssh://user@host or tcp://host:port'),
      });
      if (!endpoint) return;
      const code = await runArgvTask(
        `add node ${nodeName}`,
        appendNodeArgv({ builder, node: nodeName, platforms, endpoint }),
      );
      if (code !== 0)
        void showError(
          log,
          `Adding node "${nodeName}" failed (exit ${code}); check that ${endpoint} is reachable and runs Docker.`,
        );
      builders.refresh();
    };
  },
};

export const installEmulators: CommandFactory = {
  // Runs a privileged container on buildx; elsewhere it only says which package to install.
  trust: 'Installing emulators runs a privileged container',
  create:
    ({ engines, builders, log }) =>
    async () => {
      const choice = await engines.choose();
      const unavailable = (await builders.support()).availability.filter((a) => a.state === 'unavailable');
      if (choice.ok && choice.engine.kind === 'buildx') {
        const argv = installBinfmtArgv();
        const ok = await vscode.window.showWarningMessage(
          `Register QEMU emulators for all platforms? This runs a privileged container: ${argv.join(' ')}`,
          { modal: true },
          'Install Emulators',
        );
        if (ok !== 'Install Emulators') return;
        const code = await runArgvTask('install QEMU emulators', argv);
        if (code !== 0) void showError(log, `Installing emulators failed (exit ${code}); see the terminal.`);
        engines.refresh();
        return;
      }
      const fixes = unavailable
        .map((a) => (a.state === 'unavailable' ? `${a.platform}: ${a.fix}` : ''))
        .filter(Boolean);
      const command = 'sudo apt-get install qemu-user-static binfmt-support';
      const message = fixes.length
        ? `Some platforms cannot be built on this machine. ${fixes.join(' · ')}`
        : `Every configured platform can already be built here. To add emulators for others, run: ${command}`;
      const pick = await vscode.window.showInformationMessage(message, 'Copy Command');
      if (pick) await vscode.env.clipboard.writeText(command);
    },
};

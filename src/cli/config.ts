import { resolve } from 'node:path';
import { loadConfig } from '../core/config/loadConfig';
import { workspaceConfig } from '../core/config/discover';
import { loadMachineNodes, machineNodesFile } from '../core/config/machineNodes';
import { defaultPlatforms } from '../core/config/resolve';
import type { ConfigProblem, ConfigResult } from '../core/config/types';
import type { CliIO } from './io';

/**
 * The config a CLI command works on: --config FILE, else ./multiarch.yaml, else the Dockerfile in the cwd;
 * with this machine's build nodes from $XDG_CONFIG_HOME/multiarch/nodes.yaml.
 */
export async function loadCliConfig(io: CliIO, file: string | undefined): Promise<ConfigResult> {
  const nodesFile = machineNodesFile(io.env);
  const machine = await loadMachineNodes(nodesFile);
  if (!machine.ok) return machine;
  const opts = { machineNodes: machine.nodes, machineNodesOrigin: nodesFile };
  if (file) return loadConfig(resolve(io.cwd, file), opts);
  const platforms = io.env.MULTIARCH_PLATFORMS?.split(',').filter(Boolean) ?? defaultPlatforms;
  const found = await workspaceConfig(io.cwd, platforms, opts);
  if (found.kind === 'none') {
    return {
      ok: false,
      problems: [
        {
          file: io.cwd,
          line: 1,
          column: 1,
          path: '',
          message: 'no multiarch.yaml and no Dockerfile here; run in a project folder, or pass --config FILE',
        },
      ],
    };
  }
  return found.result;
}

/** Compiler-style lines that editors and CI logs turn into links: file:line:col: error: message */
export function formatProblems(problems: ConfigProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: error: ${p.message}\n`).join('');
}

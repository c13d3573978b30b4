import { archLabel } from '../config/platform';
import { bakeTargetName } from '../engines/buildxBake';
import type { Cell } from '../jobs';

export interface VertexStep {
  /** The cells this step belongs to: one, or several when BuildKit ran a shared step once. */
  cells: Cell[];
  stage: string;
  index: number;
  instruction: string;
}

// `[deps 2/3] RUN …`, `[linux/arm64 deps 2/3] RUN …`, `[minimal linux/arm64 deps 2/3]` (bake), `[2/3]`.
const STEP_NAME = /^\[([^\]]*?)\s*(\d+)\/(\d+)\] (.*)$/s;

/**
 * A BuildKit vertex name as a Dockerfile step, or undefined for BuildKit's own vertices (`[internal] …`,
 * `exporting to image`). Platform (`linux/arm64`, or `linux/amd64->arm64` for a stage running on the
 * build platform) and bake target prefixes pick the cells.
 */
export function parseVertexName(name: string, cells: Cell[]): VertexStep | undefined {
  const m = STEP_NAME.exec(name);
  if (!m) return undefined;
  const [, prefix = '', index, , instruction = ''] = m;
  let mine = cells;
  const stage: string[] = [];
  for (const token of prefix.split(/\s+/).filter(Boolean)) {
    const platform = targetPlatform(token);
    if (platform) {
      mine = mine.filter((c) => c.platform === platform);
      continue;
    }
    const targets = mine.filter(
      (c) => bakeTargetName(c.variant) === token || bakeTargetName(`${c.variant}-${archLabel(c.platform)}`) === token,
    );
    if (targets.length && targets.length < mine.length) mine = targets;
    else if (!targets.length) stage.push(token);
  }
  if (!mine.length || stage.join(' ') === 'internal') return undefined;
  return { cells: mine, stage: stage.join(' '), index: Number(index), instruction };
}

/** `linux/arm64` → itself; `linux/amd64->arm64` (cross-compiling stage) → `linux/arm64`; else undefined. */
function targetPlatform(token: string): string | undefined {
  if (!/^[a-z][a-z0-9]*\/[a-z0-9_]+/.test(token)) return undefined;
  const [build = '', target] = token.split('->');
  if (!target) return build;
  return target.includes('/') ? target : `${build.split('/')[0]}/${target}`;
}

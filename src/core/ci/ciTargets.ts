import type { ResolvedConfig } from '../config/types';
import { bakeFilePath, bakeTargetName, type BakeFile, type BakeTarget } from '../engines/buildxBake';
import { bakePlan } from '../matrix/bakePlan';

/** One variant as CI builds it: every field comes from the bake target Build All writes for it. */
export interface CiTarget extends Omit<BakeTarget, 'output'> {
  variant: string;
  /** Bake target name (letters, digits, `_`, `-`). */
  name: string;
  // context and dockerfile stay absolute, as in the plan; each exporter makes them relative to its file.
}

/**
 * The matrix CI builds, read from the bake Build All runs with buildx (one multi-platform target per variant,
 * registry-prefixed tags) with `output: push`, so CI never expands the matrix a second way. Every platform is in
 * it: CI has no build nodes, and its runner builds them all.
 */
export function ciTargets(config: ResolvedConfig): CiTarget[] {
  const plan = bakePlan(config, { output: 'push' });
  const content = plan.jobs[0]?.files?.[bakeFilePath(config.root)];
  if (content === undefined) throw new Error('the buildx plan has no bake file; nothing to export');
  const bake = JSON.parse(content) as BakeFile;
  const targetNames = bake.group.all?.targets ?? [];
  return targetNames.map((name) => {
    const t = bake.target[name]!;
    const variant = config.variants.find((v) => bakeTargetName(v.name) === name);
    if (!variant) throw new Error(`bake target "${name}" matches no variant`);
    return {
      variant: variant.name,
      name,
      context: t.context,
      dockerfile: t.dockerfile,
      ...(t.target ? { target: t.target } : {}),
      platforms: t.platforms,
      args: t.args,
      tags: t.tags,
    };
  });
}

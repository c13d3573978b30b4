import { tryParseReference } from '../reference';
import { samePlatform, type PlatformLookup } from '../registry';
import { describeCells, matrixCells } from './cells';
import { LintModel } from './model';
import { buildkitRule } from './rule';
import { BOM } from './text';
import type { LintCell, LintDiagnostic, MatrixCell, Range } from './types';
import { messageOf } from '../errors';

export const INVALID_BASE_IMAGE_PLATFORM = buildkitRule(
  'InvalidBaseImagePlatform',
  'Base image platform does not match expected target platform',
);

export type { LintCell } from './types';

export interface BaseImageCheck {
  diagnostics: LintDiagnostic[];
  /** Images whose platforms could not be found (offline, unknown registry): nothing was said about them. */
  unreachable: Array<{ image: string; reason: string }>;
}

/**
 * InvalidBaseImagePlatform before any build: for each FROM naming an image (expanded with each variant's
 * args), the platforms the image provides must include every platform that variant builds it for. BuildKit
 * can only tell after pulling; this asks the registry (through `lookup`) and says which variants are hit
 * when only some of those building that platform are.
 * A stage pinned to `--platform=$BUILDPLATFORM` runs on the build machine and is not checked.
 */
export async function checkBaseImagePlatforms(
  /** The Dockerfile's text, or the model `lintDockerfile` already parsed it into (one parse per file). */
  text: string | LintModel,
  variants: LintCell[],
  { lookup, buildPlatform }: { lookup: PlatformLookup; buildPlatform?: string | undefined },
): Promise<BaseImageCheck> {
  const model = typeof text === 'string' ? new LintModel(text.startsWith(BOM) ? text.slice(1) : text) : text;
  const check = model.check;
  if (check.skipAll || check.skip.has(INVALID_BASE_IMAGE_PLATFORM.name)) return { diagnostics: [], unreachable: [] };
  const cells = matrixCells(model, variants, buildPlatform);
  // stage → image → platform → cells, and per stage and platform every cell building it (whatever the image)
  const wanted = new Map<
    string,
    { stage: number; image: string; range: Range; byPlatform: Map<string, MatrixCell[]> }
  >();
  const stageCells = new Map<string, MatrixCell[]>();
  const add = <K>(map: Map<K, MatrixCell[]>, key: K, cell: MatrixCell) => map.set(key, [...(map.get(key) ?? []), cell]);
  for (const cell of cells) {
    const here = { variant: cell.variant, platform: cell.platform };
    for (const stage of model.stages) {
      const own = model.instructionChecks.get(stage.from);
      if (own && (own.skipAll || own.skip.has(INVALID_BASE_IMAGE_PLATFORM.name))) continue;
      const word = model.args(stage.from)[0];
      if (!word) continue;
      const image = cell.expand(word.getValue());
      if (
        !image ||
        image.toLowerCase() === 'scratch' ||
        model.graph.resolve(image, stage.index) !== undefined ||
        !tryParseReference(image)
      )
        continue;
      const flag = stage.platform?.getValue() ?? undefined;
      // A stage pinned to the build machine's platform is not the target's.
      if (flag && /BUILD(PLATFORM|OS|ARCH)/.test(flag)) continue;
      const expected = cell.stagePlatform(flag);
      if (!expected) continue;
      const key = `${stage.index}\u0000${image}`;
      let w = wanted.get(key);
      if (!w) wanted.set(key, (w = { stage: stage.index, image, range: word.getRange(), byPlatform: new Map() }));
      add(w.byPlatform, expected, here);
      add(stageCells, `${stage.index}\u0000${expected}`, here);
    }
  }
  const diagnostics: LintDiagnostic[] = [];
  const unreachable: BaseImageCheck['unreachable'] = [];
  // One look-up per image, however many stages and variants name it; one unreachable line per image too.
  const answers = new Map<string, Promise<string[] | undefined>>();
  const platformsOf = (image: string) => {
    let a = answers.get(image);
    if (!a) {
      a = lookup(image).catch((err: unknown) => {
        unreachable.push({ image, reason: messageOf(err) });
        return undefined;
      });
      answers.set(image, a);
    }
    return a;
  };
  await Promise.all(
    [...wanted.values()].map(async (w) => {
      const has = await platformsOf(w.image);
      if (!has) return;
      if (!has.length) return;
      for (const [platform, affected] of w.byPlatform) {
        if (has.some((p) => samePlatform(p, platform))) continue;
        // The message names the platform; the variants are said only when some building it are fine.
        const where = describeCells(affected, stageCells.get(`${w.stage}\u0000${platform}`) ?? affected);
        diagnostics.push({
          rule: INVALID_BASE_IMAGE_PLATFORM.name,
          severity: check.error ? 'error' : 'warning',
          url: INVALID_BASE_IMAGE_PLATFORM.url,
          range: w.range,
          message: `${w.image} has no ${platform}, only ${[...has].sort().join(', ')}${where ? ` (${where})` : ''}`,
          ...(affected.length < cells.length ? { cells: affected } : {}),
        });
      }
    }),
  );
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.message.localeCompare(b.message));
  return { diagnostics, unreachable };
}

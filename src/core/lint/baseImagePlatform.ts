import { tryParseReference } from '../reference';
import { samePlatform, type PlatformLookup } from '../registry';
import { lintDockerfile } from './lint';
import { PLATFORM_ARGS } from './model';
import { buildkitRule } from './rule';
import { processWord } from './shellWord';
import { BOM } from './text';
import type { LintDiagnostic, Range } from './types';

export const INVALID_BASE_IMAGE_PLATFORM = buildkitRule('InvalidBaseImagePlatform', 'Base image platform does not match expected target platform');

/** One variant of the matrix as the linter needs it: its build args and the platforms it builds. */
export interface LintCell {
  variant: string;
  args: Record<string, string>;
  platforms: string[];
}

export interface BaseImageCheck {
  diagnostics: LintDiagnostic[];
  /** Images whose platforms could not be found (offline, unknown registry): nothing was said about them. */
  unreachable: Array<{ image: string; reason: string }>;
}

function platformVars(prefix: 'TARGET' | 'BUILD', platform: string): Array<[string, string]> {
  const [os = '', arch = '', variant = ''] = platform.split('/');
  return [[`${prefix}PLATFORM`, platform], [`${prefix}OS`, os], [`${prefix}ARCH`, arch], [`${prefix}VARIANT`, variant]];
}

/**
 * InvalidBaseImagePlatform before any build: for each FROM naming an image (expanded with each variant's
 * args), the platforms the image provides must include every platform that variant builds it for. BuildKit
 * can only tell after pulling; this asks the registry (through `lookup`) and says which variants are hit.
 * A stage pinned to `--platform=$BUILDPLATFORM` runs on the build machine and is not checked.
 */
export async function checkBaseImagePlatforms(text: string, cells: LintCell[], lookup: PlatformLookup): Promise<BaseImageCheck> {
  const { model } = lintDockerfile(text.startsWith(BOM) ? text.slice(1) : text, {}, { rules: {} });
  const check = model.check;
  if (check.skipAll || check.skip.has(INVALID_BASE_IMAGE_PLATFORM.name)) return { diagnostics: [], unreachable: [] };
  // image → platform → variants, and where each image is named
  const wanted = new Map<string, { range: Range; byPlatform: Map<string, Set<string>> }>();
  for (const cell of cells) {
    for (const platform of cell.platforms) {
      const env = new Map<string, string>([...platformVars('TARGET', platform), ...platformVars('BUILD', platform)]);
      for (const a of model.globalArgs) {
        if (PLATFORM_ARGS.includes(a.name)) continue;
        const given = cell.args[a.name];
        if (given !== undefined) env.set(a.name, given);
        else if (a.raw !== undefined) {
          const v = processWord(a.raw, env, model.escape);
          if (v) env.set(a.name, v.result);
        }
      }
      for (const stage of model.stages) {
        const own = model.instructionChecks.get(stage.from);
        if (own && (own.skipAll || own.skip.has(INVALID_BASE_IMAGE_PLATFORM.name))) continue;
        const word = model.args(stage.from)[0];
        if (!word) continue;
        const image = processWord(word.getValue(), env, model.escape)?.result;
        if (!image || image.toLowerCase() === 'scratch' || model.graph.resolve(image, stage.index) !== undefined || !tryParseReference(image)) continue;
        const flag = stage.platform?.getValue();
        if (flag && /BUILD(PLATFORM|OS|ARCH)/.test(flag)) continue;
        const expected = flag ? processWord(flag, env, model.escape)?.result : platform;
        if (!expected) continue;
        const key = `${stage.index}\u0000${image}`;
        let w = wanted.get(key);
        if (!w) wanted.set(key, (w = { range: word.getRange(), byPlatform: new Map() }));
        const variants = w.byPlatform.get(expected) ?? new Set<string>();
        variants.add(cell.variant);
        w.byPlatform.set(expected, variants);
      }
    }
  }
  const diagnostics: LintDiagnostic[] = [];
  const unreachable: BaseImageCheck['unreachable'] = [];
  await Promise.all(
    [...wanted].map(async ([key, w]) => {
      const image = key.slice(key.indexOf('\u0000') + 1);
      let has: string[];
      try {
        has = await lookup(image);
      } catch (err) {
        unreachable.push({ image, reason: err instanceof Error ? err.message : String(err) });
        return;
      }
      if (!has.length) return;
      for (const [platform, variants] of w.byPlatform) {
        if (has.some((p) => samePlatform(p, platform))) continue;
        const names = [...variants].sort();
        diagnostics.push({
          rule: INVALID_BASE_IMAGE_PLATFORM.name,
          severity: check.error ? 'error' : 'warning',
          url: INVALID_BASE_IMAGE_PLATFORM.url,
          range: w.range,
          message: `${image} has no ${platform} (it has ${[...has].sort().join(', ')}); variant${names.length > 1 ? 's' : ''} ${names.join(', ')} build${names.length > 1 ? '' : 's'} for ${platform}`,
        });
      }
    }),
  );
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.message.localeCompare(b.message));
  return { diagnostics, unreachable };
}

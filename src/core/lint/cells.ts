import type { LintModel } from './model';
import { processWord, type Env } from './shellWord';
import type { LintCell, MatrixCell } from './types';

/**
 * One cell of the build matrix as a rule sees it: the variant, the target platform, the machine the
 * engine runs on, and BuildKit's global scope for that build, computed on first use.
 */
export class Cell implements MatrixCell {
  private argEnv?: Env | null;
  private defaultEnv?: Env | null;

  readonly variant: string;
  readonly platform: string;
  readonly buildPlatform: string;
  readonly args: Readonly<Record<string, string>>;
  readonly target?: string;

  constructor(
    private readonly model: LintModel,
    cell: {
      variant: string;
      platform: string;
      buildPlatform: string;
      args: Readonly<Record<string, string>>;
      target?: string | undefined;
    },
  ) {
    ({
      variant: this.variant,
      platform: this.platform,
      buildPlatform: this.buildPlatform,
      args: this.args,
      target: this.target,
    } = cell);
  }

  /**
   * The global scope with the variant's build args: what BuildKit expands FROM lines with. Undefined
   * when an ARG default is beyond the shell lexer we model (BuildKit's own answer would be an error).
   */
  get env(): Env | undefined {
    if (this.argEnv === undefined) this.argEnv = this.scope(this.args) ?? null;
    return this.argEnv ?? undefined;
  }

  /** The global scope with the ARG defaults only (BuildKit's InvalidDefaultArgInFrom check). */
  get defaults(): Env | undefined {
    if (this.defaultEnv === undefined) this.defaultEnv = this.scope(undefined) ?? null;
    return this.defaultEnv ?? undefined;
  }

  /** A word expanded in this cell's global scope; undefined when it cannot be. */
  expand(word: string): string | undefined {
    const env = this.env;
    return env && processWord(word, env, this.model.escape)?.result;
  }

  /** The platform a stage runs on in this cell: its `--platform` flag expanded, or the target's. */
  stagePlatform(flag: string | undefined): string | undefined {
    return flag === undefined ? this.platform : this.expand(flag);
  }

  /**
   * As BuildKit's dispatcher builds it: the predefined platform args (a build arg of the same name
   * overrides one), then each global ARG in order, a build arg replacing its default.
   */
  private scope(buildArgs: Readonly<Record<string, string>> | undefined): Env | undefined {
    const stages = this.model.stages;
    const env = new Map<string, string>([
      ...platformArgs('BUILD', this.buildPlatform),
      ...platformArgs('TARGET', this.platform),
      ['TARGETSTAGE', this.target || stages[stages.length - 1]?.name || 'default'],
    ]);
    for (const k of env.keys()) {
      const given = this.args[k];
      if (given !== undefined) env.set(k, given);
    }
    for (const a of this.model.globalArgs) {
      const given = buildArgs?.[a.name];
      if (given !== undefined) env.set(a.name, given);
      else if (a.raw !== undefined) {
        const v = processWord(a.raw, env, this.model.escape);
        if (!v) return undefined;
        env.set(a.name, v.result);
      }
    }
    return env;
  }
}

function platformArgs(prefix: 'TARGET' | 'BUILD', platform: string): Array<[string, string]> {
  const [os = '', arch = '', variant = ''] = platform.split('/');
  return [
    [`${prefix}PLATFORM`, platform],
    [`${prefix}OS`, os],
    [`${prefix}OSVERSION`, ''],
    [`${prefix}ARCH`, arch],
    [`${prefix}VARIANT`, variant],
  ];
}

export const DEFAULT_BUILD_PLATFORM = 'linux/amd64';

/** Every variant × platform of the matrix, in config order. */
export function matrixCells(
  model: LintModel,
  matrix: readonly LintCell[],
  buildPlatform = DEFAULT_BUILD_PLATFORM,
): Cell[] {
  return matrix.flatMap((v) =>
    v.platforms.map(
      (p) => new Cell(model, { variant: v.variant, platform: p, buildPlatform, args: v.args, target: v.target }),
    ),
  );
}

/** What BuildKit lints with when no matrix is known: the build machine's platform, no build args. */
export function defaultCell(model: LintModel, buildPlatform = DEFAULT_BUILD_PLATFORM): Cell {
  return new Cell(model, { variant: '', platform: buildPlatform, buildPlatform, args: {} });
}

const plural = (n: number, one: string) => (n === 1 ? one : `${one}s`);

/**
 * Which part of `universe` the `affected` cells are, in the fewest words: nothing when they are all of it,
 * "in variants redis, sqs" when whole variants, "for linux/arm64" when whole platforms, else per platform
 * set: "for linux/arm64 in variant redis; for linux/s390x in variants a, b".
 */
export function describeCells(affected: readonly MatrixCell[], universe: readonly MatrixCell[]): string {
  const key = (c: MatrixCell) => `${c.variant}\u0000${c.platform}`;
  const hit = new Set(affected.map(key));
  if (universe.every((c) => hit.has(key(c)))) return '';
  const variants = [...new Set(universe.map((c) => c.variant))];
  const hitVariants = variants.filter((v) => universe.some((c) => c.variant === v && hit.has(key(c))));
  const whole = (v: string) => universe.every((c) => c.variant !== v || hit.has(key(c)));
  if (hitVariants.every(whole)) return `in ${plural(hitVariants.length, 'variant')} ${hitVariants.join(', ')}`;
  const platforms = [...new Set(universe.map((c) => c.platform))].filter((p) =>
    universe.some((c) => c.platform === p && hit.has(key(c))),
  );
  if (platforms.every((p) => universe.every((c) => c.platform !== p || hit.has(key(c)))))
    return `for ${platforms.join(', ')}`;
  const groups = new Map<string, string[]>();
  for (const v of hitVariants) {
    const set = universe
      .filter((c) => c.variant === v && hit.has(key(c)))
      .map((c) => c.platform)
      .join(', ');
    groups.set(set, [...(groups.get(set) ?? []), v]);
  }
  return [...groups].map(([set, vs]) => `for ${set} in ${plural(vs.length, 'variant')} ${vs.join(', ')}`).join('; ');
}

import type { ConfigProblem, ResolvedConfig } from '../config/types';
import { outsideMessage } from '../config/projectBounds';
import { stateProblem } from '../state';
import {
  chooseEngine,
  detectEngines,
  programsFromEnv,
  type Choice,
  type EnginePrograms,
  type EngineSetting,
} from '../engines/detect';
import { activeBuilder, platformSupport, type SupportSnapshot } from '../engines/platformSupport';
import type { BuildxBuilder } from '../engines/buildxOutput';
import { registryHost, registryReachable } from '../engines/registryCheck';
import type { EngineInfo } from '../engines/types';
import { buildPlan, PlanError, type PlanOptions } from '../matrix/plan';
import { buildxBuildAll } from '../matrix/buildxSplit';
import { loadRegistryHosts, RegistryClient } from '../registry';
import type { EngineKind, Plan, OutputMode } from '../jobs';
import { tryParseReference } from '../reference';
import { variantTags } from '../engines/references';
import { engineQuery } from './engineQuery';
import {
  brokenManifestLists,
  describeBroken,
  projectTags,
  removeBrokenImageArgv,
  type BrokenImage,
} from './storeHealth';

/**
 * What the user can do about a failed preparation; the editor shows each as a button, the CLI only the
 * message (which says the same in words).
 */
export type PrepareAction =
  'selectEngine' | 'openConfig' | 'installEmulators' | 'removeBrokenImage' | 'allowOutsideProject';

/**
 * A build that cannot start, with a message that says what to do next. `usage`: the request or the config
 * is wrong (CLI exit 2); `environment`: this machine cannot run it yet (no engine, no emulator, registry
 * down; CLI exit 3).
 */
export class PrepareError extends Error {
  readonly action?: PrepareAction;
  /** For `removeBrokenImage`: the image references the action removes. */
  readonly images: string[];
  /** Located config problems behind the failure (the CLI prints them as `file:line:col: error:` lines). */
  readonly problems: ConfigProblem[];

  constructor(
    message: string,
    readonly kind: 'usage' | 'environment',
    more: { action?: PrepareAction; images?: string[]; problems?: ConfigProblem[] } = {},
  ) {
    super(message);
    this.action = more.action;
    this.images = more.images ?? [];
    this.problems = more.problems ?? [];
  }
}

export interface PrepareOptions {
  /** `build` checks everything a run needs; `plan` only picks an engine (never failing) and plans. */
  mode: 'build' | 'plan';
  engine: EngineSetting;
  env?: NodeJS.ProcessEnv;
  /** Only these variants / platforms (everything when both are empty: Build All, one bake on buildx). */
  variants?: string[];
  platforms?: string[];
  output?: OutputMode;
  /** The engine choice for `engine`; the editor passes its cached detection. Default: detect now. */
  choose?: (setting: EngineSetting) => Promise<Choice>;
  /** Availability of the plan's platforms; default: the builder's or the kernel's (QEMU handlers). */
  support?: (engine: EngineKind, platforms: string[], programs: EnginePrograms) => Promise<SupportSnapshot>;
  /** podman: the project's manifest lists that point at missing images; default: asks podman (storeHealth.ts). */
  brokenImages?: (program: string, tags: string[]) => Promise<BrokenImage[]>;
  /**
   * Build with contexts and Dockerfiles outside the project (`config.outside`): `true` (the CLI's
   * `--allow-outside-project`) or the paths the user confirmed (the editor). Default: refuse them.
   */
  allowOutside?: boolean | string[];
  /** Why `.multiarch/` could not take the build's records; default: `state/writable.ts` tries. */
  stateProblem?: (root: string) => Promise<string | undefined>;
  /** buildx: the builder in use from the support snapshot; default: the current one, versions from `buildx inspect`. */
  builder?: typeof activeBuilder;
  /** buildx: the registry client that tells what the base images are (buildxSplit.ts); default: the engines' hosts. */
  registry?: () => Promise<RegistryClient>;
  /** Whether a registry answers; default: its `/v2/` endpoint within 2 s. */
  reachable?: (host: string) => Promise<{ ok: true } | { ok: false; reason: string }>;
}

export interface PreparedBuild {
  config: ResolvedConfig;
  engine: EngineInfo;
  /** The programs every command runs with ($MULTIARCH_DOCKER / $MULTIARCH_PODMAN). */
  programs: EnginePrograms;
  plan: Plan;
  /** buildx: the builder the plan runs on, with its nodes (the runner records which node built each cell). */
  builder?: BuildxBuilder;
}

/**
 * The one pre-flight shared by `multiarch build`, `multiarch plan`, the editor's build commands, tasks and
 * Show Build Plan: engine and programs, the plan (a whole-matrix build on buildx is one bake, as Build All
 * runs it), then, for a build, whether each platform can run here and whether the push registry answers —
 * so a problem surfaces in seconds, not after the first build fails.
 */
export async function prepareBuild(config: ResolvedConfig, o: PrepareOptions): Promise<PreparedBuild> {
  refuseOutside(config, o.allowOutside);
  const env = o.env ?? process.env;
  const programs = programsFromEnv(env);
  const choose = o.choose ?? (async (setting: EngineSetting) => chooseEngine(setting, await detectEngines({ env })));
  const engine = o.mode === 'plan' ? await engineForPlan(o.engine, choose) : await engineForBuild(o.engine, choose);

  let plan: Plan;
  try {
    const options: PlanOptions = {
      engine: engine.kind,
      variants: o.variants ?? [],
      platforms: o.platforms ?? [],
      canLoadManifestList: engine.canLoadManifestList,
      bake: true,
      output: o.output,
    };
    const registry = o.registry ?? (async () => new RegistryClient(await loadRegistryHosts(env)));
    plan = engine.kind === 'buildx' ? await buildxBuildAll(config, options, { registry }) : buildPlan(config, options);
  } catch (err) {
    if (err instanceof PlanError) throw new PrepareError(err.message, 'usage', { action: 'openConfig' });
    throw err;
  }
  if (!plan.jobs.length)
    throw new PrepareError('nothing to build for this selection: no variant has the requested platforms', 'usage');
  if (o.mode === 'plan') return { config, engine, programs, plan };

  const state = await (o.stateProblem ?? stateProblem)(config.root);
  if (state) throw new PrepareError(`the build could not record its results: ${state}`, 'environment');

  // A node job's tags are its per-arch names in the node's store; what is pushed is the delivery's tags.
  const pushTags = [
    ...plan.jobs.filter((j) => j.output === 'push' && !j.node).flatMap((j) => j.tags),
    ...config.variants
      .filter((v) => plan.jobs.some((j) => j.node && j.variant === v.name && j.output === 'push'))
      .flatMap((v) => variantTags(config, v, true)),
  ];
  // `app:tag` and `acme/app` mean Docker Hub: almost never what a matrix build meant to push to.
  const hubOnly = pushTags.filter((t) => tryParseReference(t)?.domain === undefined);
  if (hubOnly.length && !config.registry) {
    throw new PrepareError(
      `pushing ${hubOnly[0]} needs a registry: set "registry:" in the config (e.g. 127.0.0.1:5000 or ghcr.io/you) or use tags with a registry host`,
      'usage',
      { action: 'openConfig' },
    );
  }

  // Build nodes run their platforms natively in their own engine (the runner asks each before building).
  const platforms = [...new Set(plan.jobs.filter((j) => !j.node).flatMap((j) => j.platforms))];
  const support = await (o.support ?? ((kind, wanted, p) => platformSupport(kind, wanted, { programs: p, env })))(
    engine.kind,
    platforms,
    programs,
  );
  const unavailable = (platforms.length ? support.availability : []).flatMap((a) =>
    a.state === 'unavailable' ? [a] : [],
  );
  if (unavailable.length) {
    throw new PrepareError(
      `cannot build ${unavailable.map((a) => a.platform).join(', ')} with ${engine.kind} here: ${[...new Set(unavailable.map((a) => a.fix))].join('; ')}`,
      'environment',
      { action: 'installEmulators' },
    );
  }
  if (engine.kind === 'podman') {
    const find =
      o.brokenImages ?? ((program: string, tags: string[]) => brokenManifestLists(program, tags, engineQuery(env)));
    const broken = await find(programs.podman, projectTags(config));
    if (broken.length) {
      const fix = broken.map((b) => removeBrokenImageArgv('podman', b.ref).join(' ')).join(' and ');
      throw new PrepareError(
        `${describeBroken(broken)}. Remove the broken image (${fix}; its other platform images stay), then build again`,
        'environment',
        { action: 'removeBrokenImage', images: broken.map((b) => b.ref) },
      );
    }
  }
  const reachable = o.reachable ?? ((host: string) => registryReachable(host));
  for (const host of new Set(pushTags.map(registryHost))) {
    const r = await reachable(host);
    if (!r.ok) {
      throw new PrepareError(
        `registry ${host} is unreachable (${r.reason}); start it or fix "registry:" in the config, then push again`,
        'environment',
        { action: 'openConfig' },
      );
    }
  }
  const builder = engine.kind === 'buildx' ? await (o.builder ?? activeBuilder)(support, { programs, env }) : undefined;
  return { config, engine, programs, plan, ...(builder ? { builder } : {}) };
}

/** Paths outside the project stop plan and build alike, before any engine runs, unless allowed. */
function refuseOutside(config: ResolvedConfig, allow: boolean | string[] | undefined): void {
  if (allow === true) return;
  const refused = (config.outside ?? []).filter((o) => !(Array.isArray(allow) && allow.includes(o.path)));
  if (!refused.length) return;
  const problems = refused.map<ConfigProblem>((o) => ({
    file: config.file ?? config.root,
    line: o.line,
    column: o.column,
    path: '/' + o.pointer.join('/'),
    message: outsideMessage(o),
  }));
  throw new PrepareError(
    `${problems[0]!.file}:${problems[0]!.line}:${problems[0]!.column}: ${problems[0]!.message}`,
    'usage',
    { action: 'allowOutsideProject', problems },
  );
}

async function engineForBuild(
  setting: EngineSetting,
  choose: (s: EngineSetting) => Promise<Choice>,
): Promise<EngineInfo> {
  const choice = await choose(setting);
  if (!choice.ok) throw new PrepareError(choice.message, 'environment', { action: 'selectEngine' });
  return choice.engine;
}

/**
 * A plan runs nothing, so an explicit choice needs no detection, and when nothing is installed the plan
 * still shows the buildx commands and says why.
 */
async function engineForPlan(
  setting: EngineSetting,
  choose: (s: EngineSetting) => Promise<Choice>,
): Promise<EngineInfo> {
  if (setting !== 'auto')
    return { kind: setting, reason: 'chosen explicitly', canLoadManifestList: setting === 'podman' };
  const choice = await choose('auto');
  if (choice.ok) return choice.engine;
  return {
    kind: 'buildx',
    reason: `no engine detected, showing docker buildx commands (${choice.message})`,
    canLoadManifestList: false,
  };
}

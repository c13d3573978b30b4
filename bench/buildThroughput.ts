/**
 * What two builds at once get done on this engine, against each alone: the lower bound's work term spreads the
 * steps over the cores as if two builds side by side ran at the speed of one alone each, which CPU-bound processes
 * nearly do here (bench/cores.ts) and podman builds did not (bench/README.md, "Two builds side by side do not get
 * two cores' worth here"). Measured the way Build All overlaps its builds: the fixture's first variant built for the
 * native platform and for an emulated one, `--no-cache`, each alone and then both at once, on a store that holds
 * the base already. The throughput is native alone ÷ native beside + emulated alone ÷ emulated beside, in builds'
 * worth (2 when side by side costs nothing). `bench/build-all.ts --throughput` prints the bound with its work term
 * spread over that instead of the cores, next to the bound it always prints.
 */
import type { ResolvedConfig } from '../src/core/config/types';
import { hostPlatform } from '../src/core/engines/emulation';
import { runProcess } from '../src/core/build/runProcess';
import { runTag } from '../test/engines/helpers';
import type { Engine } from './coldStore';

export interface BuildThroughput {
  native: { platform: string; aloneMs: number; besideMs: number };
  emulated: { platform: string; aloneMs: number; besideMs: number };
  /** Builds' worth of work done per second with the two side by side. */
  throughput: number;
}

/**
 * `env`: the cold copy's (its own podman store, the shared dockerd, or the buildx builder). Every image it tags is
 * removed again; the steps' unnamed images go with the cold copy's clean-up; on buildx the builds have no output
 * and stay in the builder's cache only, as the bench's other buildx builds do. Undefined when the first variant
 * builds no emulated platform.
 */
export async function buildThroughput(
  engine: Engine,
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv,
): Promise<BuildThroughput | undefined> {
  const v = config.variants[0]!;
  const native = hostPlatform();
  const emulated = v.platforms.find((p) => p !== native);
  if (!v.platforms.includes(native) || !emulated) return undefined;
  const program = engine === 'podman' ? (env.MULTIARCH_PODMAN ?? 'podman') : (env.MULTIARCH_DOCKER ?? 'docker');
  const start = engine === 'buildx' ? [program, 'buildx', 'build', '--progress=plain'] : [program, 'build'];
  const tags: string[] = [];
  const build = async (platform: string): Promise<number> => {
    const tag = `bench-throughput-${runTag}-${tags.length + 1}`;
    if (engine !== 'buildx') tags.push(tag);
    const argv = [
      ...start,
      '--no-cache',
      ...(engine === 'docker' ? ['--progress=plain'] : []),
      '--platform',
      platform,
      ...(engine === 'buildx' ? [] : ['-t', tag]),
      '-f',
      v.dockerfile,
      ...(v.target ? ['--target', v.target] : []),
      ...Object.entries(v.args).flatMap(([k, val]) => ['--build-arg', `${k}=${val}`]),
      v.context,
    ];
    const t = performance.now();
    const r = await runProcess(argv, { cwd: config.root, env: { ...env, DOCKER_BUILDKIT: '1' } });
    if (r.exitCode !== 0) throw new Error(`throughput: ${argv.join(' ')} failed: ${r.output.slice(-2000)}`);
    return performance.now() - t;
  };
  try {
    const nativeAlone = await build(native);
    const emulatedAlone = await build(emulated);
    const [nativeBeside, emulatedBeside] = await Promise.all([build(native), build(emulated)]);
    return {
      native: { platform: native, aloneMs: nativeAlone, besideMs: nativeBeside },
      emulated: { platform: emulated, aloneMs: emulatedAlone, besideMs: emulatedBeside },
      throughput: nativeAlone / nativeBeside + emulatedAlone / emulatedBeside,
    };
  } finally {
    for (const tag of tags) await runProcess([program, 'rmi', tag], { cwd: config.root, env });
  }
}

export function describeBuildThroughput(t: BuildThroughput): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return (
    `two builds at once: ${t.native.platform} ${s(t.native.aloneMs)} alone, ${s(t.native.besideMs)} beside ` +
    `${t.emulated.platform} (${s(t.emulated.aloneMs)} alone, ${s(t.emulated.besideMs)} beside): ` +
    `${t.throughput.toFixed(2)} builds' worth of 2`
  );
}

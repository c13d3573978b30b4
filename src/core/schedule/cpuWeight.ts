import { localAvailability } from '../engines/emulation';
import type { Job, JobPart, Warmup } from '../jobs';

/**
 * The CPU weight of a native podman build while the plan also builds an emulated platform on this machine:
 * a quarter of the default (1024). The emulated platform's builds are the run's critical path (QEMU makes
 * their steps several times slower, and every emulated variant waits for its warm-up), while the native ones
 * have time to spare. Each RUN step runs in a cgroup of its own, so the kernel shares the cores between
 * the builds' steps by these weights; `nice` does not reach across them (bench/README.md, "The emulated
 * warm-up keeps a core"). A weight only matters while the cores are contended: a native build alone still
 * gets every core it can use. podman keeps it out of the cache key, so a weighted and an unweighted build of
 * the same step find each other's layers.
 */
export const NATIVE_CPU_SHARES = 256;

const flag = '--cpu-shares';

/** The platform a single-platform podman build's argv names, if it names exactly one. */
function buildPlatform(argv: string[]): string | undefined {
  if (argv[1] !== 'build') return undefined;
  const at = argv.indexOf('--platform');
  const value = at >= 0 ? argv[at + 1] : undefined;
  return value && !value.includes(',') ? value : undefined;
}

/** `argv` with the native weight after `podman build`, when it builds one platform `host` runs natively. */
function weighed(argv: string[], host: string): string[] {
  const platform = buildPlatform(argv);
  if (!platform || argv.includes(flag) || localAvailability(platform, host, []).state !== 'native') return argv;
  return [argv[0]!, argv[1]!, flag, String(NATIVE_CPU_SHARES), ...argv.slice(2)];
}

/**
 * The podman plan's native builds (warm-ups, one-platform parts and jobs) at the lower weight, when some cell
 * of it is emulated on `host`; otherwise the plan as it was.
 */
export function favourEmulated(
  { jobs, warmup }: { jobs: Job[]; warmup: Warmup[] },
  host: string,
): { jobs: Job[]; warmup: Warmup[] } {
  const emulated = jobs.some((j) => j.platforms.some((p) => localAvailability(p, host, []).state !== 'native'));
  if (!emulated) return { jobs, warmup };
  return {
    warmup: warmup.map((w) => ({ ...w, argv: weighed(w.argv, host) })),
    jobs: jobs.map((j) => {
      if (j.engine !== 'podman') return j;
      const parts = j.parts?.map((p): JobPart => ({ ...p, argv: weighed(p.argv, host) }));
      return { ...j, argv: weighed(j.argv, host), ...(parts ? { parts } : {}) };
    }),
  };
}

/** `argv` without the weight: for a podman that cannot apply one (rootless without the cgroup cpu controller). */
export function withoutCpuWeight(argv: string[]): string[] {
  const at = argv.indexOf(flag);
  return at < 0 || argv[1] !== 'build' ? argv : [...argv.slice(0, at), ...argv.slice(at + 2)];
}

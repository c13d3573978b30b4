import type { CliCommand } from './io';

interface Entry {
  summary: string;
  load(): Promise<CliCommand>;
}

/** Every subcommand, loaded on demand so `multiarch plan` does not pay for the linter. */
export const commands: Record<string, Entry> = {
  build: {
    summary: 'build the matrix (or chosen variants/platforms) and record the results',
    load: async () => (await import('./commands/build')).run,
  },
  plan: {
    summary: 'print the exact build commands for the matrix',
    load: async () => (await import('./commands/plan')).run,
  },
  lint: {
    summary: 'check Dockerfiles with the BuildKit build checks and multi-arch rules',
    load: async () => (await import('./commands/lint')).run,
  },
  fix: {
    summary: "apply the linter's quick-fixes to Dockerfiles",
    load: async () => (await import('./commands/fix')).run,
  },
  sizes: {
    summary: 'per-architecture image sizes of the built cells',
    load: async () => (await import('./commands/sizes')).run,
  },
  timings: {
    summary: 'per-step build times, cache hits and the cost of emulation',
    load: async () => (await import('./commands/timings')).run,
  },
  verify: {
    summary: 'run each built image for its platform and check its architecture',
    load: async () => (await import('./commands/verify')).run,
  },
  ci: {
    summary: 'export the matrix to CI: a GitHub Actions workflow or a docker-bake.hcl',
    load: async () => (await import('./commands/ci')).run,
  },
  report: {
    summary: 'write the build results report (Markdown)',
    load: async () => (await import('./commands/report')).run,
  },
};

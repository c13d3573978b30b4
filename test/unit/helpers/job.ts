import type { Job } from '../../../src/core/jobs';

/** A one-platform podman job that loads `app:VARIANT`, run in `cwd`: the runner tests' job, `over` as each needs. */
export function loadJob(variant: string, cwd: string, over: Partial<Job> & Pick<Job, 'argv'>): Job {
  return {
    id: variant,
    engine: 'podman',
    variant,
    platforms: ['linux/amd64'],
    output: 'load',
    tags: [`app:${variant}`],
    cwd,
    ...over,
  };
}

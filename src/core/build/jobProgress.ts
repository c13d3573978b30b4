// A running job's step timings: one progress parser per build process (a split podman job has one per
// platform), and the Dockerfile as it was when the job started, so each step keeps where it was written.
import { readFileSync } from 'node:fs';
import { progressParser } from '../insight/progress';
import type { CellTiming, ProgressParser } from '../insight/types';
import type { Job } from '../jobs';
import { withSources } from '../report/stepSources';

export class JobProgress {
  private readonly parsers: Map<string[], ProgressParser>;
  /** Read at the start: an edit made while the job runs must not look like what was built. */
  private readonly dockerfile: string | undefined;

  constructor(private readonly job: Job) {
    this.parsers = new Map(
      (job.parts ?? [{ argv: job.argv, platform: '' }]).map((p) => [
        p.argv,
        progressParser(job.parts ? { ...job, platforms: [p.platform] } : job),
      ]),
    );
    this.dockerfile = readDockerfile(job.dockerfile);
  }

  /** Output of the process started with `argv` (the job's or one of its parts'). */
  feed(argv: string[], text: string, now: number): void {
    this.parsers.get(argv)?.feed(text, now);
  }

  /** The timing of every cell that had steps, each step with its `source` when the Dockerfile was read. */
  finish(now: number): Record<string, CellTiming> {
    const timings = Object.assign({}, ...[...this.parsers.values()].map((p) => p.finish(now))) as Record<
      string,
      CellTiming
    >;
    const text = this.dockerfile;
    if (text === undefined) return timings;
    return Object.fromEntries(
      Object.entries(timings).map(([id, t]) => {
        try {
          return [id, withSources(t, text, this.job.engine)];
        } catch {
          // A Dockerfile the parser cannot read still built: keep the steps, without their sources.
          return [id, t];
        }
      }),
    );
  }
}

function readDockerfile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

import { jobCells, type Job } from '../jobs';
import { BuildkitPlainProgress } from './buildkitProgress';
import { PodmanProgress } from './podmanProgress';
import { BuildxProgress } from './rawJsonProgress';
import type { ProgressParser } from './types';

/** The progress parser for a job's engine, over the cells the job builds. */
export function progressParser(job: Job): ProgressParser {
  const cells = jobCells(job);
  switch (job.engine) {
    case 'podman':
      return new PodmanProgress(cells);
    case 'docker':
      return new BuildkitPlainProgress(cells);
    case 'buildx':
      return new BuildxProgress(cells);
  }
}

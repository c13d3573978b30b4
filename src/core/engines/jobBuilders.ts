import type { EngineKind } from '../matrix/types';
import { buildxJobs } from './buildxArgs';
import type { JobBuilder } from './types';

export const jobBuilders: Partial<Record<EngineKind, JobBuilder>> = {
  buildx: buildxJobs,
};

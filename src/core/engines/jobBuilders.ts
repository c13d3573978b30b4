import type { EngineKind } from '../jobs';
import { buildxJobs } from './buildxArgs';
import { dockerJobs } from './dockerArgs';
import { podmanJobs } from './podmanArgs';
import type { JobBuilder } from './types';

export const jobBuilders: Record<EngineKind, JobBuilder> = {
  buildx: buildxJobs,
  podman: podmanJobs,
  docker: dockerJobs,
};

import type { ImagePull, Warmup } from '../jobs';

/** What runs before the variant builds: pulls, then warm-ups. */
export interface Schedule {
  pulls: ImagePull[];
  warmup: Warmup[];
}

import { resolveConfig } from '../../../src/core/config/resolve';
import type { RawConfig, ResolvedConfig } from '../../../src/core/config/types';

export const root = '/work/app';

/** The multiarch-app fixture's shape: QUEUE_BACKEND variants × amd64/arm64. */
export function appConfig(extra: Partial<RawConfig> = {}): ResolvedConfig {
  return resolveConfig(
    {
      image: 'multiarch-app',
      tag: 'dev',
      variantArg: 'QUEUE_BACKEND',
      platforms: ['linux/amd64', 'linux/arm64'],
      variants: { minimal: null, redis: { args: { REDIS_URL: 'redis://cache:6379' } } },
      ...extra,
    },
    { root, file: `${root}/multiarch.yaml` },
  );
}

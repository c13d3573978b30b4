import { parseConfig } from '../../../src/core/config/loadConfig';
import type { ResolvedConfig } from '../../../src/core/config/types';

/** The queue-service matrix (3 variants, sqs amd64-only) plus extra YAML lines. */
export function sampleConfig(extra = ''): ResolvedConfig {
  const r = parseConfig(
    `image: openhqm
tag: v1
variantArg: QUEUE_BACKEND
platforms: [linux/amd64, linux/arm64]
variants:
  minimal: {}
  redis: { args: { REDIS_VERSION: "5.0.1" } }
  sqs: { platforms: [linux/amd64] }
${extra}`,
    '/proj/multiarch.yaml',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

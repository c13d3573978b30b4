import { isEngineSetting, type EngineSetting } from '../core/engines/detect';

/** --engine, else $MULTIARCH_ENGINE, else auto. */
export function engineOption(flag: string | undefined, env: NodeJS.ProcessEnv): EngineSetting {
  const value = flag ?? env.MULTIARCH_ENGINE ?? 'auto';
  if (!isEngineSetting(value)) throw new Error(`--engine must be auto, buildx, podman or docker (got "${value}")`);
  return value;
}

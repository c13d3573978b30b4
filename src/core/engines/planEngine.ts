import type { EngineKind } from '../matrix/types';
import { chooseEngine, detectEngines, type DetectOptions, type EngineSetting } from './detect';
import type { EngineInfo } from './types';

export function isEngineSetting(v: string | undefined): v is EngineSetting {
  return v === 'auto' || v === 'buildx' || v === 'podman' || v === 'docker';
}

/**
 * The engine whose commands a plan shows. A plan runs nothing, so an explicit choice needs no detection, and when
 * nothing is installed the plan still shows the buildx commands and says why.
 */
export async function engineForPlan(setting: EngineSetting, opts: DetectOptions = {}): Promise<EngineInfo> {
  if (setting !== 'auto') return explicit(setting);
  const choice = chooseEngine('auto', await detectEngines(opts));
  if (choice.ok) return choice.engine;
  return { kind: 'buildx', reason: `no engine detected, showing docker buildx commands (${choice.message})`, canLoadManifestList: false };
}

function explicit(kind: EngineKind): EngineInfo {
  return { kind, reason: 'chosen explicitly', canLoadManifestList: kind === 'podman' };
}

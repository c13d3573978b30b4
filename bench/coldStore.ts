// A cold cache for one bench measurement: a fixture copy on a base no cache has seen, and for podman an image
// store of its own. Shared by build-all.ts and cold-runs.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../src/core/build/runProcess';
import type { ResolvedConfig } from '../src/core/config/types';
import type { EngineKind } from '../src/core/jobs';
import {
  env as baseEnv,
  projectWorkspace,
  pushColdBase,
  pythonBaseImage,
  removeColdBase,
  type Project,
} from '../test/engines/helpers';

export type Engine = Extract<EngineKind, 'podman' | 'docker'>;

export interface Cold {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  cleanup: () => Promise<void>;
}

/**
 * A fixture copy on a fresh base; for podman also an image store of its own. The Python base is large, so
 * podman (whose store is fresh anyway) builds FROM the one setup pushed; dockerd's shared cache needs a copy.
 */
export async function cold(engine: Engine, project: Project): Promise<Cold> {
  const python = project === 'python-service';
  const base =
    python && engine === 'podman' ? pythonBaseImage : await pushColdBase(python ? pythonBaseImage : undefined);
  const config = await projectWorkspace(project, base);
  const dropBase = async () => {
    if (base !== pythonBaseImage) await removeColdBase(base);
  };
  if (engine === 'docker') return { config, env: baseEnv, cleanup: dropBase };
  const dir = await mkdtemp(join(tmpdir(), 'bench-store-'));
  await writeFile(
    join(dir, 'storage.conf'),
    `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`,
  );
  const env = { ...baseEnv, CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf') };
  const cleanup = async () => {
    await runProcess([baseEnv.MULTIARCH_PODMAN ?? 'podman', 'rmi', '-a', '-f'], { cwd: dir, env });
    await rm(dir, { recursive: true, force: true });
    await dropBase();
  };
  return { config, env, cleanup };
}

// A cold cache for one bench measurement: a fixture copy on a base no cache has seen, and for podman an image
// store of its own. Shared by build-all.ts and cold-runs.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../src/core/build/runProcess';
import type { ResolvedConfig } from '../src/core/config/types';
import type { EngineKind } from '../src/core/jobs';
import { runTool } from '../src/core/engines/exec';
import {
  docker,
  env as baseEnv,
  projectWorkspace,
  pushColdBase,
  pythonBaseImage,
  removeColdBase,
  runTag,
  type Project,
} from '../test/engines/helpers';

export type Engine = Extract<EngineKind, 'podman' | 'docker' | 'buildx'>;

export interface Cold {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  cleanup: () => Promise<void>;
}

/**
 * A fixture copy on a fresh base; for podman also an image store of its own. The Python base is large, so
 * podman (whose store is fresh anyway) builds FROM the one setup pushed; dockerd's and a buildx builder's
 * shared caches need a copy. buildx: `bx` is its environment (DOCKER_CONFIG), `edit` changes the copy's
 * multiarch.yaml (e.g. a registry to push to).
 */
export async function cold(
  engine: Engine,
  project: Project,
  bx?: { env: NodeJS.ProcessEnv; edit?: (yaml: string) => string },
): Promise<Cold> {
  const python = project === 'python-service';
  const base =
    python && engine === 'podman' ? pythonBaseImage : await pushColdBase(python ? pythonBaseImage : undefined);
  const config = await projectWorkspace(project, base, bx?.edit);
  const dropBase = async () => {
    if (base !== pythonBaseImage) await removeColdBase(base);
  };
  if (engine === 'docker') {
    // dockerd is shared: what this run tagged (the loop's and Build All's tags all carry runTag) goes, and so do
    // the images that lost their tag meanwhile: the loop's `docker build -t TAG` after a source edit moves TAG and
    // leaves the previous image untagged (the seed's script did the same). Benches run alone on the machine, so an
    // image untagged since this copy was made is this run's.
    const untagged = async () =>
      (await runTool([docker, 'images', '-q', '--no-trunc', '--filter', 'dangling=true'], { env: baseEnv })).stdout
        .split('\n')
        .filter(Boolean);
    const before = new Set(await untagged());
    const cleanup = async () => {
      const listed = await runTool([docker, 'images', '--format', '{{.Repository}}:{{.Tag}}'], { env: baseEnv });
      const mine = listed.stdout.split('\n').filter((t) => t.includes(runTag));
      if (mine.length) await runTool([docker, 'rmi', ...mine], { env: baseEnv, timeoutMs: 300_000 });
      const left = (await untagged()).filter((id) => !before.has(id));
      if (left.length) await runTool([docker, 'rmi', ...left], { env: baseEnv, timeoutMs: 300_000 });
      await dropBase();
    };
    return { config, env: baseEnv, cleanup };
  }
  if (engine === 'buildx') {
    const cleanup = async () => {
      await rm(config.root, { recursive: true, force: true });
      await dropBase();
    };
    return { config, env: bx?.env ?? baseEnv, cleanup };
  }
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

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool, type ToolResult } from '../../src/core/engines/exec';
import { env } from './helpers';

/**
 * A podman image store of this test's own (vfs, so nothing stays mounted and the folder can simply be
 * deleted). Tests that assert on the whole store (`podman images`, `podman ps --external`) need one: the
 * shared store holds other runs' images, and podman 4.3 fails to list a store in which some of those
 * manifest lists trip its listing bug (containers/podman#19757).
 */
export interface PrivateStore {
  env: NodeJS.ProcessEnv;
  podman(argv: string[], timeoutMs?: number): Promise<ToolResult>;
  dispose(): Promise<void>;
}

export async function privateStore(): Promise<PrivateStore> {
  const dir = await mkdtemp(join(tmpdir(), 'multiarch-store-'));
  await writeFile(
    join(dir, 'storage.conf'),
    `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`,
  );
  const storeEnv = { ...env, CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf') };
  return {
    env: storeEnv,
    podman: (argv, timeoutMs = 60_000) => runTool(['podman', ...argv], { env: storeEnv, timeoutMs }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

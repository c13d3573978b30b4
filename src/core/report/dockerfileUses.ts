// Which variants build which Dockerfile: every Dockerfile a config's variants use, read once.
import { readFile } from 'node:fs/promises';
import type { DockerfileUse } from './lineFactsText';

/** One entry per Dockerfile, with the variants that build it; `text` is absent when it cannot be read. */
export async function readDockerfileUses(
  variants: readonly { name: string; dockerfile: string }[],
): Promise<DockerfileUse[]> {
  const byPath = new Map<string, string[]>();
  for (const v of variants) byPath.set(v.dockerfile, [...(byPath.get(v.dockerfile) ?? []), v.name]);
  return Promise.all(
    [...byPath].map(async ([path, names]) => {
      const text = await readFile(path, 'utf8').catch(() => undefined);
      return { path, variants: names, ...(text !== undefined ? { text } : {}) };
    }),
  );
}

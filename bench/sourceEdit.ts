import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

let edits = 0;
/**
 * What a developer does between two builds: one line added to the first source file under `src/` (a new line each
 * time, so no earlier build's cache matches). Returns false when the fixture has no `src/`.
 */
export async function editSource(root: string): Promise<boolean> {
  const files = await readdir(join(root, 'src'), { recursive: true, withFileTypes: true }).catch(() => []);
  const first = files
    .filter((f) => f.isFile())
    .map((f) => join(f.parentPath, f.name))
    .sort()[0];
  if (!first) return false;
  await appendFile(first, `\n# bench edit ${++edits}\n`);
  return true;
}

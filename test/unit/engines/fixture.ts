import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const fixturesDir = join(__dirname, '..', '..', 'fixtures', 'engines');

/** A recorded output without its provenance header (everything up to the first `----` line). */
export function fixture(name: string): string {
  const text = readFileSync(join(fixturesDir, name), 'utf8');
  const lines = text.split('\n');
  const end = lines.indexOf('----');
  if (end < 0) throw new Error(`${name} has no provenance header`);
  return lines.slice(end + 1).join('\n');
}

/**
 * Lint speed against its floor and its peer, measured in one process on the same inputs:
 *   - our linter (parse once + every rule),
 *   - dockerfile-ast's bare DockerfileParser.parse() (the floor: the rules should add little on top),
 *   - dockerfile-utils' validate() (the peer language-server validator, which parses too).
 * Inputs: the test corpus (small files, together) and a generated 10,000-line Dockerfile.
 * Run: npx tsx bench/lint.ts [--rounds N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { lintDockerfile } from '../src/core/lint';
import { generateDockerfile } from '../test/fixtures/dockerfiles/generate';

const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;

const corpusDir = join(__dirname, '../test/fixtures/dockerfiles');
const corpus = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.Dockerfile'))
  .map((f) => readFileSync(join(corpusDir, f), 'utf8'));
const big = generateDockerfile(10_000);

type Contender = [name: string, run: (text: string) => unknown];
const contenders: Contender[] = [
  ['multiarch lint', (t) => lintDockerfile(t, { platformCount: 2 })],
  ['DockerfileParser.parse', (t) => DockerfileParser.parse(t)],
  ['dockerfile-utils validate', (t) => validate(t)],
];

/** Median of `rounds` timings after warm-up, interleaving contenders so drift hits all alike. */
function measure(inputs: string[]): Map<string, number> {
  const samples = new Map<string, number[]>(contenders.map(([n]) => [n, []]));
  for (let warm = 0; warm < 3; warm++) for (const [, run] of contenders) for (const t of inputs) run(t);
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of contenders) {
      const start = process.hrtime.bigint();
      for (const t of inputs) run(t);
      samples.get(name)!.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const medians = new Map<string, number>();
  for (const [name, xs] of samples) medians.set(name, xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
  return medians;
}

function report(label: string, medians: Map<string, number>): void {
  const floor = medians.get('DockerfileParser.parse')!;
  console.log(`\n${label}`);
  for (const [name, ms] of medians) console.log(`  ${name.padEnd(28)} ${ms.toFixed(2).padStart(9)} ms   ${(ms / floor).toFixed(2)}x parse`);
  const lint = medians.get('multiarch lint')!;
  console.log(`  lint / validate: ${(lint / medians.get('dockerfile-utils validate')!).toFixed(2)}x`);
}

console.log(`node ${process.version}, ${rounds} rounds, medians`);
report(`corpus: ${corpus.length} files, ${corpus.reduce((n, t) => n + t.split('\n').length, 0)} lines`, measure(corpus));
report(`generated: ${big.split('\n').length - 1} lines`, measure([big]));

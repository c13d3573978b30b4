/**
 * Lint speed against its floor and its peer, measured in one process on the same inputs:
 *   - our linter (parse once + every rule),
 *   - dockerfile-ast's bare DockerfileParser.parse() (the floor: the rules should add little on top),
 *   - dockerfile-utils' validate() (the peer language-server validator, which parses too).
 * Inputs: the test corpus (small files, together) and generated 10,000-line Dockerfiles: typical stages, and a
 * dense one where most lines have a fixable finding (what the fix engine is stressed with).
 * Run: node bench/shipped.mjs lint [--rounds N] [--clock cpu] [--stat min] [--cold-heap]
 *   (the code as it ships: bundled and minified like dist/; `node --import tsx bench/lint.ts` runs the
 *   sources through tsx instead, whose keep-names wrappers add a call per closure the shipped code does not make).
 * Heap: by default the contenders run back to back in a warm process, each paying for the collections its own
 * allocation causes, as in the editor's long-lived extension host. `--cold-heap` forces a full collection before
 * every sample, which also shrinks V8's young generation and old-space limits back to their minimum: whatever
 * allocates beyond the parse then pays for extra scavenges and incremental marking that a warm heap does not do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { lintDockerfile } from '../src/core/lint';
import { generateDockerfile } from '../test/fixtures/dockerfiles/generate';

const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;
const clockArg = process.argv.indexOf('--clock');
const cpuClock = clockArg > 0 && process.argv[clockArg + 1] === 'cpu';
const minStat = process.argv.includes('--stat') && process.argv[process.argv.indexOf('--stat') + 1] === 'min';
const coldHeap = process.argv.includes('--cold-heap');
const gc = (globalThis as { gc?: () => void }).gc;
if (coldHeap && !gc) {
  console.error(
    '--cold-heap needs a full collection before each sample: run with node --expose-gc (bench/shipped.mjs does)',
  );
  process.exit(2);
}

const corpusDir = join(__dirname, '../test/fixtures/dockerfiles');
const corpus = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.Dockerfile'))
  .map((f) => readFileSync(join(corpusDir, f), 'utf8'));
const typical = generateDockerfile(10_000, 'typical');
const dense = generateDockerfile(10_000, 'dense');

type Contender = [name: string, run: (text: string) => unknown];
const contenders: Contender[] = [
  ['multiarch lint', (t) => lintDockerfile(t, { platformCount: 2 })],
  ['DockerfileParser.parse', (t) => DockerfileParser.parse(t)],
  ['dockerfile-utils validate', (t) => validate(t)],
];

/** CPU time of this process (all its threads) in ms: on a loaded machine, waiting for a core is not counted. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Median of `rounds` timings after warm-up, interleaving contenders (rotating their order) so drift hits all
 * alike. Wall-clock time by default; `--clock cpu` takes the process's CPU time instead.
 */
function measure(inputs: string[]): Map<string, number> {
  const samples = new Map<string, number[]>(contenders.map(([n]) => [n, []]));
  for (let warm = 0; warm < 3; warm++) for (const [, run] of contenders) for (const t of inputs) run(t);
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round: whoever runs right after another contender's garbage pays for it.
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
    for (const [name, run] of order) {
      // Cold heap: collect the previous contender's garbage so nobody pays for someone else's.
      if (coldHeap) gc!();
      const start = cpuClock ? cpuMs() : process.hrtime.bigint();
      for (const t of inputs) run(t);
      samples
        .get(name)!
        .push(cpuClock ? cpuMs() - (start as number) : Number(process.hrtime.bigint() - (start as bigint)) / 1e6);
    }
  }
  // The fastest sample is the least disturbed by other processes on a shared machine (`--stat min`).
  const medians = new Map<string, number>();
  for (const [name, xs] of samples)
    medians.set(name, xs.sort((a, b) => a - b)[minStat ? 0 : Math.floor(xs.length / 2)]);
  return medians;
}

function report(label: string, medians: Map<string, number>): void {
  const floor = medians.get('DockerfileParser.parse')!;
  console.log(`\n${label}`);
  for (const [name, ms] of medians)
    console.log(`  ${name.padEnd(28)} ${ms.toFixed(2).padStart(9)} ms   ${(ms / floor).toFixed(2)}x parse`);
  const lint = medians.get('multiarch lint')!;
  console.log(`  lint / validate: ${(lint / medians.get('dockerfile-utils validate')!).toFixed(2)}x`);
}

const bundled = !__filename.endsWith('.ts');
console.log(
  `node ${process.version}, ${bundled ? 'shipped bundle' : 'sources through tsx'}, ${rounds} rounds, ${minStat ? 'minimum' : 'median'} ${cpuClock ? 'CPU' : 'wall-clock'} time, ${coldHeap ? 'cold heap (full gc before each sample)' : 'warm heap'}`,
);
report(
  `corpus: ${corpus.length} files, ${corpus.reduce((n, t) => n + t.split('\n').length, 0)} lines`,
  measure(corpus),
);
report('generated: 10,000 lines, typical stages (the target input)', measure([typical]));
report('generated: 10,000 lines, a fixable finding on most lines (stress)', measure([dense]));

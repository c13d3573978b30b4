// Run by stateFile.test.ts as a separate process: appends `count` builds of its own cells, one append each,
// so two workers interleave their read-modify-writes of the same results.json.
import { ResultsStore } from '../../../src/core/results/store';

const [root, name, count] = process.argv.slice(2) as [string, string, string];
const store = ResultsStore.forRoot(root);

async function main(): Promise<void> {
  for (let i = 0; i < Number(count); i++) {
    await store.append(
      [
        {
          variant: `${name}-${i}`,
          platform: 'linux/amd64',
          engine: 'podman',
          output: 'load',
          status: 'succeeded',
          startedAt: new Date().toISOString(),
          durationMs: i,
        },
      ],
      (m) => {
        throw new Error(`unexpected warning: ${m}`);
      },
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

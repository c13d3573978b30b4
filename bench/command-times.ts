/**
 * Where a podman Build All's time goes: one cold Build All of a fixture (default heavy-shared) in an image store
 * of its own, with every podman call timed from outside (a wrapper program logs each call's start and end), then
 * the calls in start order: start, end, duration (seconds from the run's start), exit code, arguments.
 * With --rebuild, the traced Build All is a second one on the warm store that builds every job again from the cache
 * (what `multiarch build --rebuild` runs), after an untraced cold one; with --edit, a second one after a line is
 * added to the fixture's first source file (as build-all.ts's "after a source edit").
 *   node --import tsx bench/command-times.ts [heavy-shared|shared-base|python-service] [--rebuild|--edit]   # needs scripts/setup/20-engines.sh (root)
 */
import { chmod, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildRunner } from '../src/core/build/runner';
import { runProcess } from '../src/core/build/runProcess';
import { programsFromEnv } from '../src/core/engines/detect';
import { buildPlan } from '../src/core/matrix/plan';
import {
  env as baseEnv,
  projectWorkspace,
  pushColdBase,
  pythonBaseImage,
  removeColdBase,
  type Project,
} from '../test/engines/helpers';
import { editSource } from './sourceEdit';

const wrapper = `#!/bin/sh
s=$(date +%s%3N)
"$REAL_PODMAN" "$@"
rc=$?
printf '%s %s %s %s\\n' "$s" "$(date +%s%3N)" "$rc" "$*" >> "$PODMAN_TIMES"
exit $rc
`;

async function main(): Promise<void> {
  const project = (process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'heavy-shared') as Project;
  const rebuild = process.argv.includes('--rebuild');
  const edit = process.argv.includes('--edit');
  // The Python base is large: as in build-all.ts, the podman store is fresh anyway, so it builds FROM the one setup pushed.
  const base = project === 'python-service' ? pythonBaseImage : await pushColdBase();
  const config = await projectWorkspace(project, base);
  const dir = await mkdtemp(join(tmpdir(), 'command-times-'));
  await writeFile(
    join(dir, 'storage.conf'),
    `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`,
  );
  await writeFile(join(dir, 'podman'), wrapper);
  await chmod(join(dir, 'podman'), 0o755);
  const real = baseEnv.MULTIARCH_PODMAN ?? 'podman';
  const log = join(dir, 'times.log');
  const env = {
    ...baseEnv,
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
    MULTIARCH_PODMAN: join(dir, 'podman'),
    REAL_PODMAN: real,
    PODMAN_TIMES: log,
  };
  try {
    const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
    const runner = new BuildRunner({ programs: programsFromEnv(env), env });
    if (rebuild || edit) {
      const cold = await runner.run(plan, { config });
      if (!cold.ok)
        throw new Error(`the cold Build All failed: ${JSON.stringify(cold.outcomes.map((o) => o.problem))}`);
      if (edit && !(await editSource(config.root))) throw new Error(`${project} has no src/ to edit`);
      await truncate(log);
    }
    const t0 = Date.now();
    const summary = await runner.run(plan, { config, rebuild });
    const seconds = (ms: number) => ((ms - t0) / 1000).toFixed(2).padStart(6);
    console.log(
      `${project}${rebuild ? ', --rebuild on the warm store' : edit ? ', after a source edit' : ''}: ${summary.ok ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(2)} s, load average ${loadavg()[0]!.toFixed(1)}`,
    );
    const calls = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => {
        const [start = '0', end = '0', rc = '', ...args] = line.split(' ');
        return { start: Number(start), end: Number(end), rc, args: args.join(' ').replaceAll(config.root, 'CTX') };
      })
      .sort((a, b) => a.start - b.start);
    for (const c of calls)
      console.log(
        `${seconds(c.start)} ${seconds(c.end)} ${((c.end - c.start) / 1000).toFixed(2).padStart(5)} rc${c.rc} ${c.args}`,
      );
    if (!summary.ok) console.log(JSON.stringify(summary.outcomes.map((o) => o.problem)));
  } finally {
    await runProcess([real, 'rmi', '-a', '-f'], { cwd: dir, env: { ...env, MULTIARCH_PODMAN: real } });
    await rm(dir, { recursive: true, force: true });
    // The base goes from the registry too (and from the shared stores, which never saw it).
    if (base !== pythonBaseImage) await removeColdBase(base);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildErrorPatterns, locateInstruction, parseBuildFailure } from '../../../src/core/build/buildErrors';
import { fixture, fixturesDir } from '../engines/fixture';

const dockerfile = {
  path: '/work/app/Dockerfile',
  text: readFileSync(join(fixturesDir, 'Dockerfile.run-failure'), 'utf8'),
};

/** Failures recorded from each engine, each with the location and message the editor shows. */
const recorded: Array<{ name: string; file: string; dockerfile?: typeof dockerfile; expected: object }> = [
  {
    name: 'current BuildKit: file and line from the Dockerfile:N snippet, message from failed to solve',
    file: 'buildkit-modern-failure.txt',
    expected: {
      file: 'Dockerfile',
      line: 11,
      message: 'process "/bin/sh -c forge test" did not complete successfully: exit code: 1',
      exitCode: 1,
    },
  },
  {
    name: 'Docker 20.10 BuildKit (recorded): the failed step is found in the Dockerfile',
    file: 'docker-run-failure.txt',
    dockerfile,
    expected: {
      file: '/work/app/Dockerfile',
      line: 6,
      message: 'executor failed running [/bin/sh -c echo about to fail && exit 3]: exit code: 3',
      exitCode: 3,
    },
  },
  {
    name: 'buildx 0.10.5 + BuildKit 0.11.6 (recorded): the snippet’s context-relative name becomes the Dockerfile built',
    file: 'buildx-0.10-run-failure.txt',
    dockerfile,
    expected: {
      file: '/work/app/Dockerfile',
      line: 6,
      message: 'process "/bin/sh -c echo about to fail && exit 3" did not complete successfully: exit code: 3',
      exitCode: 3,
    },
  },
  {
    name: 'podman (recorded): the failed STEP is found in the Dockerfile',
    file: 'podman-run-failure.txt',
    dockerfile,
    expected: {
      file: '/work/app/Dockerfile',
      line: 6,
      message: 'building at STEP "RUN echo about to fail && exit 3": while running runtime: exit status 3',
      exitCode: 3,
    },
  },
];

describe('build failure locations', () => {
  for (const c of recorded)
    it(c.name, () => assert.deepEqual(parseBuildFailure(fixture(c.file), c.dockerfile), c.expected));

  it('buildx (recorded): a different file of the same context keeps the name BuildKit printed', () => {
    assert.equal(
      parseBuildFailure(fixture('buildx-0.10-run-failure.txt'), { ...dockerfile, path: '/work/app/Dockerfile.dev' })
        ?.file,
      'Dockerfile',
    );
  });

  it('Docker 20.10 parse errors carry their line', () => {
    const p = parseBuildFailure(fixture('docker-parse-error.txt'), {
      path: '/x/Dockerfile.syntax',
      text: 'FROM scratch\nRUNN foo\n',
    });
    assert.equal(p?.line, 2);
    assert.equal(p?.file, '/x/Dockerfile.syntax');
    assert.match(p!.message, /unknown instruction: RUNN/);
  });

  it('a failed COPY is located through its step', () => {
    const p = parseBuildFailure(fixture('docker-copy-missing.txt'), {
      path: '/x/Dockerfile.copy',
      text: 'FROM scratch\nCOPY missing-dir/ /\n',
    });
    assert.equal(p?.line, 2);
    assert.match(p!.message, /missing-dir/);
  });

  it('exports the regexes the problem matcher reuses', () => {
    assert.ok(buildErrorPatterns.snippetLocation.test('Dockerfile:12'));
    assert.ok(
      buildErrorPatterns.failedToSolve.test(
        'ERROR: failed to solve: process "/bin/sh -c x" did not complete successfully: exit code: 2',
      ),
    );
    assert.deepEqual(
      buildErrorPatterns.processFailed
        .exec('process "/bin/sh -c make" did not complete successfully: exit code: 2')
        ?.slice(1),
      ['/bin/sh -c make', '2'],
    );
  });

  it('locates steps printed with build args substituted and continuations joined', () => {
    const text = 'FROM scratch\nARG X\nRUN echo one\nRUN printf "%s" "$X" \\\n && echo done\n';
    assert.equal(locateInstruction(text, 'RUN printf "%s" "a b" && echo done'), 4);
    assert.equal(locateInstruction(text, 'RUN echo one'), 3);
    assert.equal(locateInstruction(text, 'HEALTHCHECK NONE'), undefined);
  });
});

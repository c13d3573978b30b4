import { strict as assert } from 'node:assert';
import { dockerJobs } from '../../../src/core/engines/dockerArgs';
import { podmanJobs } from '../../../src/core/engines/podmanArgs';
import { buildxJobs } from '../../../src/core/engines/buildxArgs';
import type { JobBuilder } from '../../../src/core/engines/types';
import { appConfig } from './config';

const hostile = `a$b; c "q" 'x' \`id\` $(touch /tmp/pwned) & | > <`;

describe('build args stay single argv elements', () => {
  for (const [name, builder] of [
    ['podman', podmanJobs],
    ['docker', dockerJobs],
    ['buildx', buildxJobs],
  ] as [string, JobBuilder][]) {
    it(`${name}: a value with $ ; quotes spaces and backticks is one element, unchanged`, () => {
      const config = appConfig({ args: { HOSTILE: hostile, 'WITH SPACE': 'x y' } });
      for (const output of ['load', 'oci', 'push'] as const) {
        for (const job of builder({
          config,
          variant: config.variants[0]!,
          platforms: ['linux/amd64', 'linux/arm64'],
          output,
        })) {
          const i = job.argv.indexOf(`HOSTILE=${hostile}`);
          assert.ok(i > 0, `${output}: HOSTILE arg missing from ${JSON.stringify(job.argv)}`);
          assert.equal(job.argv[i - 1], '--build-arg');
          assert.ok(job.argv.includes('WITH SPACE=x y'));
          assert.ok(job.argv.every((a) => typeof a === 'string'));
        }
      }
    });
  }
});

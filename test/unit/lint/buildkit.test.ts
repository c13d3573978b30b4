import { strict as assert } from 'node:assert';
import { lintDockerfile } from '../../../src/core/lint';
import { BUILDKIT_CASES } from './buildkitCases';

/** Our findings as `line Rule: message`, BuildKit's rules and parse errors only (the MultiArch advice rules aside). */
function findings(dockerfile: string, dockerignore?: string): string[] {
  const { diagnostics } = lintDockerfile(dockerfile, dockerignore === undefined ? {} : { dockerignore });
  return diagnostics
    .filter((d) => !d.rule.startsWith('MultiArch/') || d.severity === 'error')
    .map((d) => `${d.range.start.line + 1} ${d.rule}: ${d.message}`)
    .sort(byLineThenText);
}

function byLineThenText(a: string, b: string): number {
  return parseInt(a, 10) - parseInt(b, 10) || (a < b ? -1 : a > b ? 1 : 0);
}

describe("BuildKit's own lint test cases", () => {
  for (const c of BUILDKIT_CASES) {
    it(c.deliberate ? `${c.name} (differs on purpose: ${c.deliberate.why})` : c.name, () => {
      const want = (c.deliberate?.expect ?? c.expect).slice().sort(byLineThenText);
      assert.deepEqual(findings(c.dockerfile, c.dockerignore), want);
    });
  }
});

// The report's verification parts, all from the stored check results: one test case per check, the
// verification table (a row per check), and the per-variant "Variants Tested" table the seed wrote by hand.
import type { BuildRecord } from '../results/types';
import { shortPlatform } from '../sizes/format';
import { CHECK_MARK, checksOf, firstLine, type CheckResult, type VerifyResult } from '../verify/types';
import { code, md, table } from './markdown';

const NOT_MEASURED = 'not measured';

/** "redis on linux/arm64: redis client ✅ `5.0.1 aarch64`", with the reason after a failure. */
function checkItem(v: VerifyResult, c: CheckResult): string {
  const line = code(firstLine(c.output)) || '(no output)';
  return `${md(v.variant)} on ${md(v.platform)}: ${md(c.name)} ${CHECK_MARK[c.status]} ${line}${c.reason ? ` (${md(c.reason)})` : ''}`;
}

export function verifyCases(verify: VerifyResult[]): { lines: string[]; passed: number; failed: number } {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const v of verify) {
    if (v.status === 'skipped') {
      lines.push(`- [ ] ${md(v.variant)} on ${md(v.platform)}: skipped (${md(v.reason ?? 'no reason recorded')})`);
      continue;
    }
    for (const c of checksOf(v)) {
      if (c.status === 'pass') passed++;
      else failed++;
      lines.push(`- [${c.status === 'pass' ? 'x' : ' '}] ${checkItem(v, c)}`);
    }
  }
  return { lines, passed, failed };
}

export function verifySection(verify: VerifyResult[]): string[] {
  if (!verify.length)
    return ['## Architecture verification', '', `${NOT_MEASURED}: run "Verify Architectures" or \`multiarch verify\`.`];
  const rows: string[][] = [];
  for (const v of verify) {
    const image = md(v.image ?? `${v.variant} (${v.platform})`);
    const machines = md(v.expected.join(' or ') || '?');
    const checks = checksOf(v);
    if (!checks.length)
      rows.push([image, md(v.platform), '–', machines, NOT_MEASURED, `skipped: ${md(v.reason ?? '')}`]);
    for (const c of checks) {
      rows.push([
        image,
        md(v.platform),
        md(c.name),
        c.expect !== undefined ? code(c.expect, true) : machines,
        code(firstLine(c.output), true) || '(no output)',
        c.status === 'pass' ? 'pass' : `FAIL: ${md(c.reason ?? '')}`,
      ]);
    }
  }
  return [
    '## Architecture verification',
    '',
    table(['Image', 'Platform', 'Check', 'Expected', 'Output', 'Status'], rows),
    '',
    'A check without its own expectation passes when its output names the platform’s machine and no other platform’s.',
  ];
}

/** "QUEUE_BACKEND" → "Queue Backend Variants Tested". */
function variantsTitle(variantArg: string | undefined): string {
  const words = (variantArg ?? '')
    .split(/[_\W]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
  return [...words, 'Variants', 'Tested'].join(' ');
}

function buildStatus(cells: BuildRecord[]): string {
  return cells
    .map((r) =>
      r.status === 'succeeded'
        ? `✅ ${md(shortPlatform(r.platform))}`
        : `❌ ${md(shortPlatform(r.platform))} ${md(r.status)}`,
    )
    .join(', ');
}

function runtimeStatus(cells: BuildRecord[], verify: VerifyResult[]): string {
  return cells
    .map((r) => {
      const arch = md(shortPlatform(r.platform));
      const v = verify.find((x) => x.variant === r.variant && x.platform === r.platform);
      if (r.status !== 'succeeded') return `${arch} not built`;
      if (!v) return `${arch} ${NOT_MEASURED}`;
      if (v.status === 'skipped') return `${arch} skipped`;
      const failed = checksOf(v).filter((c) => c.status === 'fail');
      return failed.length ? `❌ ${arch}: ${failed.map((c) => md(c.name)).join(', ')}` : `✅ ${arch}`;
    })
    .join(', ');
}

/** One row per variant: its platforms, how each built, and how each passed its checks. */
export function variantsTested(
  latest: BuildRecord[],
  verify: VerifyResult[],
  variantArg: string | undefined,
): string[] {
  const byVariant = new Map<string, BuildRecord[]>();
  for (const r of latest) byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  const rows = [...byVariant].map(([variant, cells]) => [
    md(variant),
    cells.map((r) => md(shortPlatform(r.platform))).join(', '),
    buildStatus(cells),
    runtimeStatus(cells, verify),
  ]);
  const title = `## ${variantsTitle(variantArg)}`;
  if (!rows.length) return [title, '', 'No build recorded.'];
  return [title, '', table(['Variant', 'Platforms', 'Build status', 'Runtime status'], rows)];
}

export function verifyLimitations(verify: VerifyResult[]): string[] {
  return verify
    .filter((x) => x.status === 'skipped')
    .map(
      (v) => `${md(v.variant)} on ${md(v.platform)} could not be verified: ${md(v.reason ?? 'no reason recorded')}.`,
    );
}

import { LOCAL_NODE } from '../nodes/types';
import type { BuildRecord } from '../results/types';
import type { RunSummary } from './runner';
import type { JobOutcome } from './runnerTypes';

/** `12.3` seconds, one decimal. */
export function secondsText(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/**
 * The plain-text summary table: variant, platform, status, seconds, and where each cell was built when build
 * nodes took part. `upToDate`: the records of cells not built again (runner's RunSummary.upToDate), shown as
 * `up to date` with the seconds of the build that made their images.
 */
export function summaryTable(records: BuildRecord[], upToDate: BuildRecord[] = []): string {
  const all = [...records.map((r) => ({ r, status: r.status })), ...upToDate.map((r) => ({ r, status: 'up to date' }))];
  const nodes = all.some(({ r }) => r.node);
  const head = ['VARIANT', 'PLATFORM', 'STATUS', 'SECONDS', ...(nodes ? ['NODE'] : [])];
  const rows = all.map(({ r, status }) => [
    r.variant,
    r.platform,
    status,
    secondsText(r.durationMs),
    ...(nodes ? [r.node ?? LOCAL_NODE] : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd() + '\n';
  return fmt(head) + rows.map(fmt).join('');
}

/** The platforms a failed job's failure is about: a split job's failed part, else every platform it built. */
export function failedPlatforms(o: JobOutcome): string[] {
  const failed = o.records.filter((r) => r.status === 'failed').map((r) => r.platform);
  return failed.length ? failed : o.job.platforms;
}

/** `file:line: error: message` for the first failure, the form editors and CI logs turn into links. */
export function failureLines(summary: RunSummary): string {
  return summary.outcomes
    .filter((o) => o.status === 'failed' && o.problem)
    .map((o) => {
      const p = o.problem!;
      const where = p.file ? `${p.file}:${p.line ?? 1}: ` : '';
      const on = o.job.node ? ` on ${o.job.node}` : '';
      return `${where}error: ${o.job.variant} (${failedPlatforms(o).join(', ')}${on}): ${p.message}\n`;
    })
    .join('');
}

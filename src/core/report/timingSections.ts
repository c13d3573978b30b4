// The report's Performance Metrics, Cache and Emulation sections, from the steps each build recorded.
import { cachedStepsLine, cellTimings, emulationComparisons, emulationLine } from './timings';
import { COMPILERS } from '../lint/rules/emulatedCompileStage';
import { cellId } from '../jobs';
import type { BuildRecord } from '../results/types';
import { formatBytes, formatDuration } from '../sizes/format';
import type { SizeRow } from '../sizes/types';
import { md, table } from './markdown';
import { cellTrends, sparkline, TREND_BUILDS } from './trends';

const cellKey = cellId;

/** A cell's own time: the span of its steps when recorded (a podman job builds several cells at once). */
function cellMs(r: BuildRecord): number {
  return r.timing ? r.timing.seconds * 1000 : r.durationMs;
}

function cachedSteps(r: BuildRecord): string {
  if (!r.timing?.steps.length) return 'steps not recorded (built before timings were kept)';
  return cachedStepsLine(cellTimings(r));
}

export function performanceSection(latest: BuildRecord[], sizes: Map<string, SizeRow>): string[] {
  const rows = latest
    .filter((r) => r.status === 'succeeded')
    .map((r) => {
      const s = sizes.get(cellKey(r));
      return [
        `${md(r.variant)} (${md(r.platform)})${r.emulated ? ', emulated' : ''}`,
        formatDuration(cellMs(r)),
        cachedSteps(r),
        formatBytes(s?.uncompressed),
        formatBytes(s?.compressed),
      ];
    });
  return [
    '## Performance Metrics',
    '',
    rows.length
      ? table(['Build', 'Time', 'Cache', 'Disk size', 'Content size'], rows)
      : 'No successful build recorded.',
    '',
    "Time is the cell's own build time: from its first step to its last, even when one command built several platforms.",
  ];
}

/**
 * Per cell, its recorded history of successful builds (the last 20, `cellTrends`, as `multiarch timings
 * --history`): first and latest time, the speed-up, the latest cache share, and the trend of both.
 */
export function cacheSection(records: BuildRecord[]): string[] {
  const succeeded = records.filter((x) => x.status === 'succeeded');
  const latest = new Map<string, BuildRecord>();
  for (const r of [...succeeded].sort((a, b) => a.startedAt.localeCompare(b.startedAt))) latest.set(cellKey(r), r);
  const rows = cellTrends(succeeded).map((t) => {
    const first = t.builds[0]!;
    const last = t.builds[t.builds.length - 1]!;
    const rebuilt = t.builds.length > 1;
    const speedUp = rebuilt && last.seconds > 0 ? `${(first.seconds / last.seconds).toFixed(1)}×` : 'built once';
    const cached = t.builds.map((b) => (b.cachedPercent === undefined ? '–' : `${b.cachedPercent}%`));
    return [
      md(t.variant),
      md(t.platform),
      String(t.builds.length),
      formatDuration(first.seconds * 1000),
      rebuilt ? formatDuration(last.seconds * 1000) : 'not rebuilt yet',
      speedUp,
      cachedSteps(latest.get(cellKey(t))!),
      rebuilt ? `${sparkline(t.builds.map((b) => b.seconds))} (cached: ${cached.join(' → ')})` : 'one build',
    ];
  });
  return [
    '## Cache',
    '',
    rows.length
      ? table(
          ['Variant', 'Platform', 'Builds', 'First build', 'Latest rebuild', 'Speed-up', 'Latest build', 'Time trend'],
          rows,
        )
      : 'No successful build recorded.',
    '',
    `From each cell's last ${TREND_BUILDS} recorded builds (\`multiarch timings --history\`); the trend runs oldest to newest, one bar per build.`,
  ];
}

/** `cores`: of the machine the builds ran on (default this one's). */
export function emulationSection(records: BuildRecord[], cores?: number): string[] {
  const comparisons = emulationComparisons(records, cores);
  const emulated = records.some((r) => r.emulated === true && r.status === 'succeeded');
  if (!comparisons.length) {
    return [
      '## Emulation',
      '',
      emulated
        ? 'No step ran both natively and under emulation in the same round of builds (the cache served them, or the steps were not recorded), so there is no factor to show.'
        : 'Every platform was built natively.',
    ];
  }
  const out = ['## Emulation', ''];
  for (const c of comparisons) {
    out.push(`- **${md(c.variant)}**: ${md(emulationLine(c))}. Slowest emulated steps:`);
    for (const { step, nativeSeconds, counted } of c.steps.slice(0, 3)) {
      const where = step.stage ? `[${step.stage}] ` : '';
      const share = counted
        ? ` (beside more builds than cores: counted as ${formatDuration(counted.seconds * 1000)} and ${formatDuration(counted.nativeSeconds * 1000)})`
        : '';
      // Inside a code span Markdown escapes are shown literally: only a backtick could end it early.
      out.push(
        `  - \`${(where + step.instruction).replace(/`/g, "'")}\`: ${formatDuration(step.seconds * 1000)} emulated, ${formatDuration(nativeSeconds * 1000)} native${share}`,
      );
    }
    const compiles = c.steps.map((s) => s.step).find((s) => COMPILERS.some(([re]) => re.test(s.instruction)));
    if (compiles) {
      out.push(
        `  - Stage ${md(compiles.stage || 'of the build')} compiles under emulation: MultiArch/EmulatedCompileStage shows the fix (build it on \`$BUILDPLATFORM\` and cross-compile for \`$TARGETARCH\`).`,
      );
    }
  }
  return out;
}

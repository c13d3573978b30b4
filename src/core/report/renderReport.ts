// The build results report: the document users used to write by hand after a round of builds,
// with every figure taken from recorded builds, sizes and verifications.
import { cellId } from '../jobs';
import type { BuildRecord } from '../results/types';
import { formatBytes, formatDuration, shortPlatform } from '../sizes/format';
import type { SizeRow } from '../sizes/types';
import { md, table } from './markdown';
import { cacheSection, emulationSection, performanceSection } from './timingSections';
import type { ReportInput } from './types';
import { variantsTested, verifyCases, verifyLimitations, verifySection } from './verifySections';

const NOT_MEASURED = 'not measured';
const cellKey = cellId;

function isoMinute(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Newest record per cell (any status), in variant then platform order. */
function latestPerCell(records: BuildRecord[]): BuildRecord[] {
  const byCell = new Map<string, BuildRecord>();
  for (const r of records) byCell.set(cellKey(r), r);
  return [...byCell.values()].sort(
    (a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform),
  );
}

/** " on arm-box" for a cell a build node built; nothing for this machine's. */
function onNode(r: BuildRecord): string {
  return r.node ? ` on ${md(r.node)}` : '';
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}

/** Wall time of the latest round of a variant: first start to last end of its cells' builds. */
function wallTime(cells: BuildRecord[]): number {
  const start = Math.min(...cells.map((r) => Date.parse(r.startedAt)));
  const end = Math.max(...cells.map((r) => Date.parse(r.startedAt) + r.durationMs));
  return end - start;
}

function perPlatform(
  cells: BuildRecord[],
  sizes: Map<string, SizeRow>,
  pick: (s: SizeRow | undefined) => number | undefined,
): string {
  const parts = cells.map((r) => {
    const v = pick(sizes.get(cellKey(r)));
    return `${md(shortPlatform(r.platform))} ${v === undefined ? NOT_MEASURED : formatBytes(v)}`;
  });
  return parts.join(' · ');
}

function header(input: ReportInput): string[] {
  const { host } = input;
  const engines = [
    ...new Set(input.records.map((r) => `${r.engine} ${r.engineVersion ?? `(version ${NOT_MEASURED})`}`)),
  ];
  return [
    '# Multi-Arch build results',
    '',
    `- **Date:** ${isoMinute(input.generatedAt)}`,
    `- **Host:** ${md([host.distro, `${host.os} ${host.release}`].filter(Boolean).join(', '))} (${md(host.arch)})`,
    `- **Engine:** ${engines.length ? engines.map(md).join(', ') : NOT_MEASURED}`,
    `- **Builder:** ${input.builder ? md(input.builder) : NOT_MEASURED}`,
    `- **Builds recorded:** ${input.records.length}`,
  ];
}

function platformsSection(input: ReportInput): string[] {
  if (!input.platforms.length) return ['## Platforms available', '', NOT_MEASURED];
  const how = {
    native: 'native',
    emulated: 'emulated (QEMU)',
    unavailable: 'unavailable: no native node or emulator',
    unknown: NOT_MEASURED,
  };
  return [
    '## Platforms available',
    '',
    table(
      ['Platform', 'How it runs here'],
      input.platforms.map((p) => [md(p.platform), how[p.availability]]),
    ),
  ];
}

function testCases(input: ReportInput, latest: BuildRecord[]): string[] {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const r of latest) {
    const ok = r.status === 'succeeded';
    if (ok) passed++;
    else failed++;
    const detail = ok
      ? `succeeded in ${formatDuration(r.durationMs)}`
      : `${r.status}${r.error ? `: ${md(r.error.split('\n')[0]!)}` : ''}`;
    lines.push(`- [${ok ? 'x' : ' '}] Build ${md(r.variant)} for ${md(r.platform)}${onNode(r)}: ${detail}`);
  }
  const checks = verifyCases(input.verify);
  lines.push(...checks.lines);
  passed += checks.passed;
  failed += checks.failed;
  if (!lines.length) return ['## Test cases', '', 'Nothing was built or verified yet.'];
  return ['## Test cases', '', ...lines, '', `Passed: ${passed}. Failed: ${failed}.`];
}

function buildsSection(latest: BuildRecord[], sizes: Map<string, SizeRow>): string[] {
  const rows = [...groupBy(latest, (r) => r.variant)].map(([variant, cells]) => [
    md(variant),
    cells
      .map((r) => md(shortPlatform(r.platform)) + onNode(r) + (r.status === 'succeeded' ? '' : ` (${r.status})`))
      .join(', '),
    formatDuration(wallTime(cells)),
    perPlatform(cells, sizes, (s) => s?.compressed),
    perPlatform(cells, sizes, (s) => s?.uncompressed),
  ]);
  return [
    '## Builds',
    '',
    rows.length
      ? table(['Variant', 'Platforms', 'Wall time', 'Compressed size', 'Disk size'], rows)
      : 'No build recorded.',
    '',
    'Compressed size is the sum of the layers and config in the platform manifest (what a registry stores and a pull downloads); disk size is what the engine reports for the unpacked image in its local store.',
  ];
}

function limitations(input: ReportInput, latest: BuildRecord[]): string[] {
  const out: string[] = [];
  const emulated = groupBy(
    latest.filter((r) => r.emulated),
    (r) => r.platform,
  );
  for (const [platform, cells] of emulated) {
    out.push(
      `${md(platform)} was built under emulation (${cells.map((c) => md(c.variant)).join(', ')}): its build and run times are not native figures.`,
    );
  }
  const perArch = latest.filter(
    (r) =>
      r.output === 'load' &&
      r.engine !== 'podman' &&
      latest.some((o) => o.variant === r.variant && o.platform !== r.platform),
  );
  if (perArch.length) {
    const variants = [...new Set(perArch.map((r) => md(r.variant)))].join(', ');
    out.push(
      `Loading into the local store kept one tag per architecture (${variants}): this engine cannot load a manifest list (\`--load\` of several platforms), so the multi-arch tag exists only when pushed or exported as OCI.`,
    );
  }
  for (const r of latest.filter((x) => x.status !== 'succeeded')) {
    out.push(`${md(r.variant)} on ${md(r.platform)} ${r.status}${r.error ? `: ${md(r.error.split('\n')[0]!)}` : ''}.`);
  }
  out.push(...verifyLimitations(input.verify));
  const noCompressed = input.sizes
    .filter((s) => s.compressed === undefined && !s.error)
    .map((s) => `${md(s.variant)} ${md(shortPlatform(s.platform))}`);
  if (noCompressed.length)
    out.push(
      `Compressed size ${NOT_MEASURED} for ${noCompressed.join(', ')}: loaded into the local store only; build with output "oci" or "push" to measure what a pull downloads.`,
    );
  const noDisk = input.sizes
    .filter((s) => s.uncompressed === undefined && !s.error)
    .map((s) => `${md(s.variant)} ${md(shortPlatform(s.platform))}`);
  if (noDisk.length)
    out.push(
      `Disk size ${NOT_MEASURED} for ${noDisk.join(', ')}: the image is not in the engine's local store (OCI or push output).`,
    );
  for (const s of input.sizes.filter((x) => x.error))
    out.push(`Size of ${md(s.variant)} on ${md(s.platform)} ${NOT_MEASURED}: ${md(s.error!)}.`);
  return [
    '## Limitations observed',
    '',
    ...(out.length ? out.map((l) => `- ${l}`) : ['None observed in the recorded builds.']),
  ];
}

export function renderReport(input: ReportInput): string {
  const latest = latestPerCell(input.records);
  const sizes = new Map(input.sizes.map((s) => [cellKey(s), s]));
  const sections = [
    header(input),
    platformsSection(input),
    testCases(input, latest),
    buildsSection(latest, sizes),
    variantsTested(latest, input.verify, input.variantArg),
    performanceSection(latest, sizes),
    verifySection(input.verify),
    cacheSection(input.records),
    emulationSection(input.records),
    limitations(input, latest),
  ];
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}

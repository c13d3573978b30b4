import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildkitPlainProgress } from '../../../src/core/insight/buildkitProgress';
import { PodmanProgress } from '../../../src/core/insight/podmanProgress';
import type { Cell } from '../../../src/core/jobs';
import type { BuildRecord } from '../../../src/core/results/types';
import { buildRecord } from '../helpers/buildRecord';
import type { CellTiming, ProgressParser } from '../../../src/core/insight/types';

export const progressDir = join(__dirname, '..', '..', 'fixtures', 'progress');
/** The Dockerfile the recordings were built from. */
export const timingsAppDockerfile = join(progressDir, '..', 'timings-app', 'Dockerfile');

/** The timed lines of a recording made by test/fixtures/progress/record.ts: `<ms>|<text>`. */
export function recording(name: string): { at: number; text: string }[] {
  const lines = readFileSync(join(progressDir, name), 'utf8').split('\n');
  const end = lines.indexOf('----');
  if (end < 0) throw new Error(`${name} has no provenance header`);
  return lines
    .slice(end + 1)
    .filter((l) => l !== '')
    .map((l) => {
      const bar = l.indexOf('|');
      return { at: Number(l.slice(0, bar)), text: l.slice(bar + 1) };
    });
}

/** Feeds a recording to a parser at its recorded times, optionally cut into small chunks mid-line. */
export function replay(parser: ProgressParser, name: string, chunk?: number): Record<string, CellTiming> {
  const lines = recording(name);
  for (const { at, text } of lines) {
    const whole = text + '\n';
    if (!chunk) parser.feed(whole, at);
    else for (let i = 0; i < whole.length; i += chunk) parser.feed(whole.slice(i, i + chunk), at);
  }
  return parser.finish(lines[lines.length - 1]?.at ?? 0);
}

export const cells = (variant: string, ...platforms: string[]): Cell[] =>
  platforms.map((platform) => ({ variant, platform }));

/**
 * A succeeded build record as the runner writes it: variant `minimal` built by podman unless `r` says
 * otherwise, emulated on any platform but linux/amd64.
 */
export function timedRecord(r: Partial<BuildRecord> & { platform: string }): BuildRecord {
  return buildRecord({
    output: 'load',
    startedAt: '2026-12-05T08:00:00.000Z',
    durationMs: 30_000,
    emulated: r.platform !== 'linux/amd64',
    ...r,
  });
}

/** Build records of both platforms, with the timings of a recorded podman build. */
export function recordsFrom(file: string, variant: string, startedAt: string): BuildRecord[] {
  const t = replay(new PodmanProgress(cells(variant, 'linux/amd64', 'linux/arm64')), file);
  return ['linux/amd64', 'linux/arm64'].map((platform) =>
    timedRecord({
      variant,
      platform,
      engineVersion: '4.3.1',
      startedAt,
      durationMs: 14_500,
      timing: shifted(t[`${variant}@${platform}`]!, Date.parse(startedAt)),
    }),
  );
}

/** A dockerd BuildKit build of the `minimal` variant on `platform`, with the timings of a recorded build. */
export function dockerRecord(file: string, platform: string, startedAt: string): BuildRecord {
  const timing = replay(new BuildkitPlainProgress(cells('minimal', platform)), file)[`minimal@${platform}`]!;
  return timedRecord({ platform, engine: 'docker', startedAt, durationMs: 5000, timing });
}

/** The recording's clock starts near 0; a record's steps start at its `startedAt`, as the runner records them. */
function shifted(t: CellTiming, start: number): CellTiming {
  return { ...t, steps: t.steps.map((s) => (s.at === undefined ? s : { ...s, at: start + s.at })) };
}

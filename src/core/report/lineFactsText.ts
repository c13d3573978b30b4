// How a line's facts read: the hover's variant × platform table, the hot-spot sentence the diagnostic and
// `multiarch timings` print, and the hot spots of several Dockerfiles as one list.
import type { BuildRecord } from '../results/types';
import { shortPlatform } from '../sizes/format';
import { dockerfileFacts, type HotSpot, type LineFact } from './lineFacts';
import { md, table } from './markdown';
import { formatSeconds } from './timings';

/** Markdown for the hover: the summary, then one row per variant with a column per platform. */
export function lineFactsMarkdown(fact: LineFact): string {
  const platforms = [...new Set(fact.cells.map((c) => c.platform))].sort();
  const variants = [...new Set(fact.cells.map((c) => c.variant))].sort();
  const rows = variants.map((variant) => [
    md(variant),
    ...platforms.map((platform) => {
      const c = fact.cells.find((x) => x.variant === variant && x.platform === platform);
      if (!c) return 'not built';
      const what = c.cached ? 'cached' : `${formatSeconds(c.seconds)}${c.warmup ? ' in warm-up' : ''}`;
      return `${what}${c.emulated ? ' (QEMU)' : ''}${c.stale ? ', stale' : ''}`;
    }),
  ]);
  const heading = fact.stale ? '**Stale**' : '**Latest build of each cell**';
  const out = [
    `${heading}: ${md(fact.summary)}`,
    '',
    table(['Variant', ...platforms.map((p) => md(shortPlatform(p)))], rows),
  ];
  const hot = lineHotSpotsSentence(fact.hotSpots);
  if (hot) out.push('', `$(warning) ${md(`Emulation hot spot: ${hot}`)}`);
  if (fact.cells.some((c) => c.stale))
    out.push('', '_Stale: the line was edited after that build, so those numbers describe text that is gone._');
  return out.join('\n');
}

/** "Under QEMU this step took 26.0 s on linux/arm64 against 3.5 s on linux/amd64 (7.4×) in variant minimal". */
export function hotSpotSentence(h: HotSpot): string {
  return `under QEMU this step took ${formatSeconds(h.seconds)} on ${h.platform} against ${formatSeconds(h.nativeSeconds)} on ${h.native} (${h.factor}×) in variant ${h.variant}`;
}

/**
 * A line's hot spots said once (the hover and the diagnostic): the slowest one's numbers, then the other variants
 * it hit ("…; also in b, c"); each variant's own seconds are in the hover's table. undefined when there is none.
 */
export function lineHotSpotsSentence(hotSpots: readonly HotSpot[]): string | undefined {
  const [worst, ...rest] = [...hotSpots].sort((a, b) => b.seconds - a.seconds);
  if (!worst) return undefined;
  const others = [...new Set(rest.map((h) => h.variant))].filter((v) => v !== worst.variant);
  return `${hotSpotSentence(worst)}${others.length ? `; also in ${others.join(', ')}` : ''}`;
}

/** A hot spot with where it is written: `multiarch timings --json` lists these. */
export interface LocatedHotSpot extends HotSpot {
  dockerfile: string;
  /** 1-based, as editors and `file:line` references count. */
  line: number;
  instruction: string;
}

export interface DockerfileUse {
  path: string;
  /** undefined when the file could not be read: its hot spots cannot be placed. */
  text?: string;
  variants: readonly string[];
}

/** Every hot spot of the given Dockerfiles, slowest first. */
export function locatedHotSpots(files: readonly DockerfileUse[], records: readonly BuildRecord[]): LocatedHotSpot[] {
  const out: LocatedHotSpot[] = [];
  for (const f of files) {
    if (f.text === undefined) continue;
    for (const fact of dockerfileFacts(f.text, f.variants, records))
      for (const h of fact.hotSpots)
        out.push({ dockerfile: f.path, line: fact.line + 1, instruction: fact.instruction, ...h });
  }
  return out.sort((a, b) => b.seconds - a.seconds);
}

/** `Dockerfile:9: RUN … : under QEMU this step took …` lines for the human output. */
export function hotSpotLines(spots: readonly LocatedHotSpot[], relative: (path: string) => string): string[] {
  return spots.map((h) => `${relative(h.dockerfile)}:${h.line}: ${h.instruction}: ${hotSpotSentence(h)}`);
}

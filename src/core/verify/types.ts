export type VerifyStatus = 'pass' | 'fail' | 'skipped';

/** One named check run in a fresh container of a cell. */
export interface CheckResult {
  name: string;
  status: 'pass' | 'fail';
  /** What the command printed (stdout, then stderr), trimmed and capped; its first line is what views show. */
  output: string;
  /** Machine-name rule only: the platform's machine name on a pass, the other platform's it found on a failure. */
  machine?: string;
  /** Why it failed: wrong machine, no match for `expect`, exit code, "timed out after 60 s". */
  reason?: string;
  /** The check's `expect`, when it had one instead of the machine-name rule. */
  expect?: string;
}

/** Outcome of running one built cell's checks for its platform. */
export interface VerifyResult {
  variant: string;
  platform: string;
  image?: string;
  /** Machine names accepted for the platform (e.g. ["i686", "i386"]). */
  expected: string[];
  /** The machine name the first check that reported one found in its output. */
  actual?: string;
  /** pass when every check passed, fail when one failed, skipped when none could run. */
  status: VerifyStatus;
  /** Output of the first failing check, so the user sees what the image printed. */
  output?: string;
  /** Why a cell was skipped, or the first failing check's reason. */
  reason?: string;
  /** Whether the run needed an emulator. */
  emulated?: boolean;
  /** Every check, in the config's order; empty when the cell was skipped. Absent in results written before checks existed. */
  checks?: CheckResult[];
  /** The static pass (ELF machines of the image's files, nothing run), when Verify Architectures made one. */
  static?: StaticSummary;
  at: string;
}

export interface StaticSummary {
  status: 'pass' | 'fail' | 'skipped';
  /** ELF files compared with the platform. */
  checked: number;
  /** "/usr/local/bin/tool built for x86-64", at most a few. */
  mismatches: string[];
  reason?: string;
}

/** First non-empty line of a check's output: the detail every view shows. */
export function firstLine(output: string): string {
  return (
    output
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

/** A result's checks; results written before named checks existed count as one "architecture" check. */
export function checksOf(v: VerifyResult): CheckResult[] {
  if (v.checks) return v.checks;
  if (v.status === 'skipped') return [];
  const output = v.actual ?? v.output ?? '';
  return [
    {
      name: 'architecture',
      status: v.status,
      output,
      ...(v.actual ? { machine: v.actual } : {}),
      ...(v.reason ? { reason: v.reason } : {}),
    },
  ];
}

export const CHECK_MARK: Record<CheckResult['status'], string> = { pass: '✅', fail: '❌' };

/** The static pass as one more line: "static ✅ 412 ELF files" / "static ❌ /usr/bin/x built for x86-64". */
export function staticLine(s: StaticSummary): string {
  if (s.status === 'skipped') return `static skipped (${s.reason ?? 'no reason recorded'})`;
  if (s.status === 'pass') return `static ${CHECK_MARK.pass} ${s.checked} ELF files match`;
  return `static ${CHECK_MARK.fail} ${s.mismatches[0] ?? s.reason ?? 'mismatch'}${s.mismatches.length > 1 ? ` (+${s.mismatches.length - 1} more)` : ''}`;
}

/** "redis client ✅ 5.0.1 aarch64" per check (the reason after a failure): plain text for tooltips. */
export function checkLines(v: VerifyResult): string[] {
  const lines =
    v.status === 'skipped' && !v.checks?.length
      ? [`skipped: ${v.reason ?? 'no reason recorded'}`]
      : checksOf(v).map(
          (c) =>
            `${c.name} ${CHECK_MARK[c.status]} ${firstLine(c.output) || '(no output)'}${c.reason ? ` (${c.reason})` : ''}`,
        );
  return v.static ? [staticLine(v.static), ...lines] : lines;
}

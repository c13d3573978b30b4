// Decides whether one check passed from what its container printed.
import type { VerifyCheck } from '../config/types';
import { machinesIn } from './machines';
import type { CheckResult } from './types';

/** Enough for a traceback's last lines; the output is stored in .multiarch/verify.json. */
const MAX_OUTPUT = 4000;

export interface CheckRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function cap(text: string): string {
  return text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT)}…` : text;
}

/**
 * Judged on stdout (stderr when stdout is empty): engines print their own warnings on stderr
 * ("the requested image's platform … does not match the host"), which are not the image's answer.
 */
export function judgeCheck(
  check: VerifyCheck,
  run: CheckRun,
  { expected, timeoutS }: { expected: string[]; timeoutS: number },
): CheckResult {
  const stdout = run.stdout.trim();
  const stderr = run.stderr.trim();
  const text = stdout || stderr;
  const everything = cap([stdout, stderr].filter(Boolean).join('\n'));
  const expect = check.expect !== undefined ? { expect: check.expect } : {};
  const fail = (reason: string, machine?: string): CheckResult => ({
    name: check.name,
    status: 'fail',
    output: everything,
    reason,
    ...(machine ? { machine } : {}),
    ...expect,
  });
  if (run.timedOut) return fail(`timed out after ${timeoutS} s`);
  if (run.exitCode !== 0) return fail(`exited with code ${run.exitCode}`);
  if (check.expect !== undefined) {
    // Validated when the config was loaded (resolve.ts), so this cannot throw for a loaded config.
    if (!new RegExp(check.expect, 'm').test(text)) return fail(`output does not match ${check.expect}`);
    return { name: check.name, status: 'pass', output: cap(text), ...expect };
  }
  const found = machinesIn(text);
  const match = found.find((m) => expected.includes(m));
  const others = found.filter((m) => !expected.includes(m));
  const want = expected.join(' or ');
  if (others.length) return fail(`expected ${want}, the image reported ${others.join(' and ')}`, others[0]);
  if (!match) return fail(`expected ${want} in the output, found no machine name`);
  return { name: check.name, status: 'pass', output: cap(text), machine: match };
}

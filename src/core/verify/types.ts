export type VerifyStatus = 'pass' | 'fail' | 'skipped';

/** Outcome of running one built cell for its platform and comparing the machine it reports. */
export interface VerifyResult {
  variant: string;
  platform: string;
  image?: string;
  /** Machine names accepted for the platform (e.g. ["i686", "i386"]). */
  expected: string[];
  /** What the command reported (last output line). */
  actual?: string;
  status: VerifyStatus;
  /** Full output on failure, so the user sees what the image printed. */
  output?: string;
  /** Why a cell was skipped or why it failed (exit code, timeout). */
  reason?: string;
  /** Whether the run needed an emulator. */
  emulated?: boolean;
  at: string;
}

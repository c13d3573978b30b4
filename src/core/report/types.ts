import type { BuildRecord } from '../results/types';
import type { SizeRow } from '../sizes/types';
import type { VerifyResult } from '../verify/types';

export type Availability = 'native' | 'emulated' | 'unavailable' | 'unknown';

export interface HostInfo {
  /** e.g. "Debian GNU/Linux 12 (bookworm)". */
  distro?: string;
  os: string;
  release: string;
  /** Docker's arch name (amd64, arm64). */
  arch: string;
}

/** Everything the report shows; each figure comes from here, nothing else is invented. */
export interface ReportInput {
  generatedAt: Date;
  host: HostInfo;
  /** Every recorded build, oldest first. */
  records: BuildRecord[];
  sizes: SizeRow[];
  verify: VerifyResult[];
  /** Platforms the config asks for, and whether this host can build/run them. */
  platforms: Array<{ platform: string; availability: Availability }>;
  /** Builder name and version when one is known (buildx builder, buildah under podman). */
  builder?: string;
  /** The config's variantArg, which names the "<Arg> Variants Tested" table. */
  variantArg?: string;
}

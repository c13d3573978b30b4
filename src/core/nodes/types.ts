// BuildNode is part of the config every stage reads, so it is declared in the leaf core/jobs.ts (config → nodes →
// engines → config would be an import cycle); this is its home for everything about nodes.
export { LOCAL_NODE, type BuildNode, type NodeEngine } from '../jobs';

/** What a version call (2 s timeout) tells about a node. */
export interface NodeProbe {
  node: string;
  reachable: boolean;
  engineVersion?: string;
  nativePlatforms?: string[];
  emulatedPlatforms?: string[];
  /** User-facing, says what to do next. */
  error?: string;
  /** Unreachable because it did not answer in the time given (slow, or gone), rather than refusing. */
  timedOut?: boolean;
}

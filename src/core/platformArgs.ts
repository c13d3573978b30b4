// The build args BuildKit predefines for platform selection (global scope only): lint's rules, the stage graph
// and the config scaffold all read this one list.

export const PLATFORM_ARGS = [
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
];
export const PLATFORM_ARG_SET = new Set(PLATFORM_ARGS);

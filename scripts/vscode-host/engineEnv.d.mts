// Types for engineEnv.mjs (used by test/e2e).
/** Variables from the engines setup's env file (DOCKER_HOST, CONTAINERS_*_CONF, MULTIARCH_ROOTFS_DIR…); empty when setup has not run. */
export function engineEnv(): Record<string, string>;

// Which files a project is made of: the one list of config file names and the one rule for Dockerfiles,
// used by discovery, the CLI, the linter and the editor's file watchers.

/** Config file names, in the order discovery tries them. */
export const configFileNames = ['multiarch.yaml', '.multiarch.yaml', 'multiarch.yml', '.multiarch.yml'];

/** A folder without a config builds the first of these it has. */
export const dockerfileNames = ['Dockerfile', 'Containerfile', 'dockerfile'];

const dockerfileBases = ['Dockerfile', 'Containerfile'];

/**
 * Dockerfile, Containerfile, Dockerfile.dev, api.Dockerfile (any case); never a `.dockerignore`, which
 * BuildKit pairs with a Dockerfile as `Dockerfile.dockerignore`.
 */
export function isDockerfileName(name: string): boolean {
  if (/\.dockerignore$/i.test(name)) return false;
  const bases = dockerfileBases.join('|');
  return new RegExp(`^(${bases})(\\..+)?$`, 'i').test(name) || new RegExp(`\\.(${bases})$`, 'i').test(name);
}

/** Glob alternatives for file watchers and document selectors: `{a,b,…}` without the braces. */
export const configFileGlob = configFileNames.join(',');
export const dockerfileGlob = dockerfileBases.flatMap((b) => [b, `${b}.*`, `*.${b}`]).join(',');

import type { Job } from '../matrix/types';
import { buildArgs, compose, named } from './argv';
import { ociArchivePath } from './paths';
import { variantTags } from './references';
import { isLoopbackDomain, tryParseReference } from '../reference';
import type { JobBuilder } from './types';

/**
 * `podman build --platform a,b --manifest NAME`: one job per variant, every platform in one call, the
 * result a local manifest list. Loading needs nothing more (each platform resolves with
 * `podman run --platform P NAME` or `NAME@digest`); OCI export and push are `podman manifest push --all`
 * after-steps, so the build itself never depends on a registry.
 */
export const podmanJobs: JobBuilder = (req) => {
  const { config, variant, platforms, output } = req;
  const push = output === 'push';
  const tags = variantTags(config, variant, push);
  const name = tags[0]!;
  const argv = compose(
    ['podman', 'build'],
    named('--platform', platforms.join(',')),
    named('--manifest', name),
    named('-f', variant.dockerfile),
    named('--target', variant.target),
    buildArgs(variant.args),
    [variant.context],
  );
  const job: Job = {
    id: variant.name,
    engine: 'podman',
    variant: variant.name,
    platforms,
    output,
    tags,
    argv,
    program: 'podman',
    dockerfile: variant.dockerfile,
    cwd: config.root,
    // `--manifest` appends to an existing list, so a rebuild would otherwise carry the old images too.
    before: [['podman', 'manifest', 'rm', name]],
  };
  if (output === 'oci') {
    const dest = ociArchivePath(config.root, variant.name);
    return [{ ...job, ociPath: dest, after: [['podman', 'manifest', 'push', '--all', name, `oci-archive:${dest}`]] }];
  }
  if (push) {
    return [
      {
        ...job,
        after: tags.map((t) => compose(['podman', 'manifest', 'push', '--all'], tlsFlags(t), [name, `docker://${t}`])),
      },
    ];
  }
  return [job];
};

/**
 * podman verifies TLS for every registry unless registries.conf says otherwise; a registry on the
 * loopback interface is plain HTTP in practice (docker treats 127.0.0.0/8 as insecure by default too).
 */
export function tlsFlags(ref: string): string[] {
  return isLoopbackDomain(tryParseReference(ref)?.domain) ? ['--tls-verify=false'] : [];
}

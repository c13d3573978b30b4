import { relative, sep } from 'node:path';
import { Document } from 'yaml';
import { parsePlatform } from '../config/platform';
import { tryParseReference } from '../reference';
import type { CiTarget } from './ciTargets';
import { generatedMarker } from './bakeHcl';

export interface WorkflowOptions {
  /** The repository root: GitHub runs every step there, so paths are relative to it. */
  repoRoot: string;
  /** `registry:` from multiarch.yaml; without one the workflow builds and pushes nothing. */
  registry?: string;
  /** Where the config lives, relative to the repository (named in the header comment). */
  source: string;
}

/** Versions of the actions the workflow uses (the current major of each). */
export const actionVersions = {
  checkout: 'actions/checkout@v4',
  qemu: 'docker/setup-qemu-action@v3',
  buildx: 'docker/setup-buildx-action@v3',
  login: 'docker/login-action@v3',
  buildPush: 'docker/build-push-action@v6',
} as const;

/**
 * A GitHub Actions workflow: one job per variant (each with its own platforms) through
 * docker/build-push-action, QEMU for the non-amd64 platforms, buildx, registry login from secrets, the
 * config's tags, and a GitHub Actions cache scope per variant. Pull requests build without pushing.
 */
export function githubWorkflow(targets: CiTarget[], o: WorkflowOptions): string {
  const login = o.registry ? registryLogin(o.registry) : undefined;
  const push = login ? "${{ github.event_name != 'pull_request' }}" : false;
  const withTarget = targets.some((t) => t.target !== undefined);
  const emulated = [...new Set(targets.flatMap((t) => t.platforms).map((p) => parsePlatform(p).arch))].filter(
    (a) => a !== 'amd64' && a !== '386',
  );
  const workflow = {
    name: 'multiarch',
    on: {
      push: { branches: ['main'], tags: ['v*'] },
      pull_request: null,
      workflow_dispatch: null,
    },
    permissions: { contents: 'read', ...(login?.packages ? { packages: 'write' } : {}) },
    jobs: {
      build: {
        name: '${{ matrix.variant }}',
        'runs-on': 'ubuntu-latest',
        strategy: {
          'fail-fast': false,
          matrix: {
            include: targets.map((t) => ({
              variant: t.variant,
              platforms: t.platforms.join(','),
              context: repoPath(o.repoRoot, t.context),
              file: repoPath(o.repoRoot, t.dockerfile),
              ...(t.target ? { target: t.target } : {}),
              'build-args': lines(Object.entries(t.args).map(([k, v]) => `${k}=${v}`)),
              tags: lines(t.tags),
            })),
          },
        },
        steps: [
          { uses: actionVersions.checkout },
          ...(emulated.length
            ? [{ name: 'Set up QEMU', uses: actionVersions.qemu, with: { platforms: emulated.join(',') } }]
            : []),
          { name: 'Set up Buildx', uses: actionVersions.buildx },
          ...(login ? [login.step] : []),
          {
            name: 'Build ${{ matrix.variant }} for ${{ matrix.platforms }}',
            uses: actionVersions.buildPush,
            with: {
              context: '${{ matrix.context }}',
              file: '${{ matrix.file }}',
              ...(withTarget ? { target: '${{ matrix.target }}' } : {}),
              platforms: '${{ matrix.platforms }}',
              'build-args': '${{ matrix.build-args }}',
              tags: '${{ matrix.tags }}',
              push,
              'cache-from': 'type=gha,scope=multiarch-${{ matrix.variant }}',
              'cache-to': 'type=gha,mode=max,scope=multiarch-${{ matrix.variant }}',
            },
          },
        ],
      },
    },
  };
  const doc = new Document(workflow);
  doc.commentBefore = [
    ` ${generatedMarker} (\`multiarch ci github\`) from ${o.source}; run it again after changing that file.`,
    login
      ? ` Pushes to ${o.registry} on pushes to main and v* tags${login.secrets ? ` with the repository secrets ${login.secrets}` : ''}; pull requests only build.`
      : ' No registry in the config: every run builds and nothing is pushed (add registry: to push).',
  ].join('\n');
  return doc.toString({ lineWidth: 0, nullStr: '' });
}

interface Login {
  step: Record<string, unknown>;
  packages: boolean;
  secrets?: string;
}

/** ghcr.io logs in with the workflow's own token; any other registry with two repository secrets. */
function registryLogin(registry: string): Login {
  // "acme" names a Docker Hub namespace (login-action's default registry); "ghcr.io/acme" a registry host.
  const host = tryParseReference(`${registry}/image`)?.domain;
  const when = "github.event_name != 'pull_request'";
  if (host === 'ghcr.io') {
    return {
      packages: true,
      step: {
        name: 'Log in to ghcr.io',
        if: when,
        uses: actionVersions.login,
        with: { registry: 'ghcr.io', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' },
      },
    };
  }
  const dockerHub = host === undefined || host === 'docker.io';
  return {
    packages: false,
    secrets: 'REGISTRY_USERNAME and REGISTRY_PASSWORD',
    step: {
      name: `Log in to ${dockerHub ? 'Docker Hub' : host}`,
      if: when,
      uses: actionVersions.login,
      with: {
        ...(dockerHub ? {} : { registry: host }),
        username: '${{ secrets.REGISTRY_USERNAME }}',
        password: '${{ secrets.REGISTRY_PASSWORD }}',
      },
    },
  };
}

function repoPath(repoRoot: string, path: string): string {
  const r = relative(repoRoot, path).split(sep).join('/');
  return r === '' ? '.' : r;
}

/** build-push-action reads list inputs one per line. */
function lines(values: string[]): string {
  return values.map((v) => `${v}\n`).join('');
}

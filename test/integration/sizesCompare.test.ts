// Compare Architectures inside the real extension host: the Image Sizes panel explains why a variant's
// platforms differ, from the layers of its recorded OCI build.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import type { BuildRecord } from '../../src/core/results/types';
import type { MultiArchApi } from '../../src/extension';
import type { ComparisonView, SizesState } from '../../src/shared/sizesProtocol';
import { CONFIG, GZIP, LayoutBuilder, MANIFEST } from '../unit/sizes/ociFixture';
import { tarOf } from '../unit/layers/tarFixture';
import { activateApi, waitForEvent, workspaceRoot } from './helpers/api';

describe('Compare Architectures', () => {
  let root: string;
  let resultsFile: string;
  let saved: string | undefined;
  let api: MultiArchApi;

  before(async () => {
    api = await activateApi();
    root = workspaceRoot().fsPath;
    resultsFile = join(root, '.multiarch', 'results.json');
    saved = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : undefined;
    mkdirSync(join(root, '.multiarch'), { recursive: true });
    // An OCI layout as an oci build leaves it: a busybox-like layer per arch, and /opt with 1 MiB more on arm64.
    const b = new LayoutBuilder(join(root, '.multiarch', 'compare-test'));
    const manifests = [];
    for (const arch of ['amd64', 'arm64']) {
      const base = b.blob(
        gzipSync(await tarOf([{ name: 'bin/busybox', content: Buffer.alloc(arch === 'amd64' ? 2000 : 1800, 1) }])),
        GZIP,
      );
      const opt = b.blob(
        gzipSync(
          await tarOf([
            { name: 'opt/README', content: 'tools\n' },
            ...(arch === 'arm64' ? [{ name: 'opt/extra.bin', content: Buffer.alloc(1024 * 1024, 2) }] : []),
          ]),
        ),
        GZIP,
      );
      const config = b.json(
        {
          architecture: arch,
          os: 'linux',
          history: [
            { created_by: `COPY rootfs-${arch}/ / # buildkit` },
            { created_by: `COPY opt-${arch}/ /opt/ # buildkit` },
          ],
        },
        CONFIG,
      );
      manifests.push({
        ...b.json({ schemaVersion: 2, mediaType: MANIFEST, config, layers: [base, opt] }, MANIFEST),
        platform: { os: 'linux', architecture: arch },
      });
    }
    b.writeTop([b.index(manifests)]);
    const record = (platform: string): BuildRecord => ({
      variant: 'minimal',
      platform,
      engine: 'podman',
      output: 'oci',
      status: 'succeeded',
      startedAt: '2026-11-30T05:00:00.000Z',
      durationMs: 1000,
      ociPath: b.dir,
    });
    writeFileSync(
      resultsFile,
      JSON.stringify({ version: 1, cells: { all: [record('linux/amd64'), record('linux/arm64')] } }),
    );
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(join(root, '.multiarch', 'compare-test'), { recursive: true, force: true });
    rmSync(join(root, '.multiarch', 'sizes.json'), { force: true });
    if (saved === undefined) rmSync(resultsFile, { force: true });
    else writeFileSync(resultsFile, saved);
  });

  it('puts /opt first with the arm64-only MiB, and the panel shows the comparison', async () => {
    const shown = waitForEvent(
      api.sizes.onDidPostState,
      (s: SizesState) => !!s.comparison?.result,
      60_000,
      'a state with the comparison',
    );
    const view = await vscode.commands.executeCommand<ComparisonView | undefined>('multiarch.sizes.compare', 'minimal');
    assert.ok(view?.result, `no comparison: ${JSON.stringify(view)}`);
    assert.equal(view.result.dirs[0]!.path, '/opt');
    assert.equal(view.result.dirs[0]!.sizes['linux/arm64']! - view.result.dirs[0]!.sizes['linux/amd64']!, 1024 * 1024);
    assert.equal(view.result.layers[0]!.createdBy, 'COPY opt-{arch}/ /opt/ # buildkit');
    assert.equal((await shown).comparison?.result?.dirs[0]?.path, '/opt');
    assert.equal(api.sizes.current()?.lastState?.comparison?.variant, 'minimal');
  });

  it('explains why there is nothing to compare for a variant that was never built', async () => {
    const view = await vscode.commands.executeCommand<ComparisonView | undefined>('multiarch.sizes.compare', 'sqs');
    assert.match(view?.error ?? '', /sqs has no successful build yet: build it/);
  });
});

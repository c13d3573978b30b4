// Every run opens a fresh copy of the example project, so tests may edit files freely.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleWorkspace } from './paths.mjs';

export function copyExampleWorkspace({ source = exampleWorkspace, log = console.log } = {}) {
  const parent = mkdtempSync(join(tmpdir(), 'multiarch-ws-'));
  const dir = join(parent, 'queue-service');
  if (existsSync(source)) {
    cpSync(source, dir, { recursive: true });
  } else {
    // The example is part of the repo; this only keeps the host usable while it is being written.
    log(`workspace: ${source} does not exist, using a minimal Dockerfile-only workspace`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nARG QUEUE_BACKEND=minimal\n');
  }
  return { dir, dispose: () => rmSync(parent, { recursive: true, force: true }) };
}

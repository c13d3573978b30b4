import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capturingIO } from '../helpers/cliIO';
import { run as lint } from '../../../src/cli/commands/lint';
import { lintDockerfile, type LintContext, type LintDiagnostic } from '../../../src/core/lint';
import { describeCells } from '../../../src/core/lint/cells';
import type { LintCell } from '../../../src/core/lint/types';
import { loadLintContext } from '../../../src/core/lint/lintContext';

/** A queue worker: a Go health-check binary compiled in its own stage, a Python runtime fetching tini. */
const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.12

FROM golang:1.22-bookworm AS healthcheck
WORKDIR /src
COPY healthcheck/ .
RUN go build -o /out/healthcheck .

FROM python:\${PYTHON_VERSION}-slim AS runtime
ARG QUEUE_BACKEND=minimal
ARG TINI_ARCH=amd64
RUN curl -fsSL -o /usr/local/bin/tini https://github.com/krallin/tini/releases/download/v0.19.0/tini-\${TINI_ARCH} \\
 && chmod +x /usr/local/bin/tini
COPY --from=healthcheck /out/healthcheck /usr/local/bin/
COPY app/ /app/
ENTRYPOINT ["/usr/local/bin/tini", "--", "python", "-m", "app.worker"]
`;

const CONFIG = `image: worker
tag: v1
dockerfile: Dockerfile
context: .
variantArg: QUEUE_BACKEND
platforms: [linux/amd64, linux/arm64]
variants:
  minimal: {}
  redis:
    args: { REDIS_VERSION: "5.0.1" }
  sqs:
    platforms: [linux/amd64]
  kafka:
    # Passes the right tini build itself.
    args: { TINI_ARCH: arm64 }
    platforms: [linux/arm64]
`;

const summary = (ds: LintDiagnostic[]) =>
  ds
    .filter((d) => d.rule.startsWith('MultiArch/') || d.rule.includes('ArgInFrom'))
    .map((d) => `${d.range.start.line + 1} ${d.rule}: ${d.message}`);

describe('lint per matrix cell', () => {
  let dir: string;
  let context: LintContext;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lint-cells-'));
    await writeFile(join(dir, 'Dockerfile'), DOCKERFILE);
    await writeFile(join(dir, 'multiarch.yaml'), CONFIG);
    context = { ...(await loadLintContext(join(dir, 'Dockerfile'))), buildPlatform: 'linux/amd64' };
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the variants, their args and platforms from the multiarch.yaml next to the Dockerfile', () => {
    assert.deepEqual(
      context.matrix?.map((v) => [v.variant, v.platforms.join(' '), v.args.QUEUE_BACKEND, v.args.TINI_ARCH]),
      [
        ['minimal', 'linux/amd64 linux/arm64', 'minimal', undefined],
        ['redis', 'linux/amd64 linux/arm64', 'redis', undefined],
        ['sqs', 'linux/amd64', 'sqs', undefined],
        ['kafka', 'linux/arm64', 'kafka', 'arm64'],
      ],
    );
  });

  it('says which cells a finding affects: the platform, and the variants when only some building it are hit', () => {
    const { diagnostics } = lintDockerfile(DOCKERFILE, context);
    assert.deepEqual(summary(diagnostics), [
      // Compiled under QEMU wherever the target is not the build machine's amd64: every arm64 cell.
      `4 MultiArch/EmulatedCompileStage: Stage 'healthcheck' compiles (go build) and is copied into later stages: without "FROM --platform=$BUILDPLATFORM" it runs under QEMU emulation for every non-native platform, often 5-20x slower. Build on $BUILDPLATFORM and cross-compile for $TARGETOS/$TARGETARCH (for linux/arm64)`,
      // kafka passes TINI_ARCH itself, so its arm64 build is fine; amd64 builds want amd64.
      `11 MultiArch/HardcodedArch: Hard-coded architecture 'amd64': a build for another platform still gets the amd64 file. Use \${TARGETARCH} (for linux/arm64 in variants minimal, redis)`,
    ]);
    const arch = diagnostics.find((d) => d.rule === 'MultiArch/HardcodedArch');
    assert.deepEqual(arch?.cells, [
      { variant: 'minimal', platform: 'linux/arm64' },
      { variant: 'redis', platform: 'linux/arm64' },
    ]);
    assert.equal(arch?.suggestions?.[0].title, 'Use ${TARGETARCH} instead of amd64');
  });

  it('a problem in every cell says nothing extra', () => {
    const text = DOCKERFILE.replace('FROM python:${PYTHON_VERSION}-slim', 'FROM python:${PYTHON_VERSON}-slim');
    const { diagnostics } = lintDockerfile(text, context);
    const undefinedArg = diagnostics.filter((d) => d.rule === 'UndefinedArgInFrom');
    assert.deepEqual(
      undefinedArg.map((d) => d.message),
      ["FROM argument 'PYTHON_VERSON' is not declared (did you mean PYTHON_VERSION?)"],
    );
    assert.equal(undefinedArg[0].cells, undefined);
  });

  it('InvalidDefaultArgInFrom with each cell’s platform args (TARGETVARIANT is empty off arm)', () => {
    const text =
      'ARG BASE=${TARGETARCH}/debian:bookworm${TARGETVARIANT:+-}${TARGETVARIANT}\nARG TAG=${TARGETVARIANT}\nFROM alpine:${TAG}\nFROM ${BASE}\n';
    const matrix: LintCell[] = [
      { variant: 'app', args: {}, platforms: ['linux/amd64', 'linux/arm/v7'] },
      { variant: 'lite', args: { TAG: '3.20' }, platforms: ['linux/amd64'] },
    ];
    const { diagnostics } = lintDockerfile(text, { matrix, buildPlatform: 'linux/amd64' });
    // Build args do not count (BuildKit checks the defaults), so lite's TAG does not save it.
    assert.deepEqual(summary(diagnostics), [
      '3 InvalidDefaultArgInFrom: Default value for ARG alpine:${TAG} results in empty or invalid base image name (for linux/amd64)',
    ]);
    // Without a matrix: the build machine's platform, as BuildKit does.
    assert.equal(summary(lintDockerfile(text, {}).diagnostics).length, 1);
    assert.deepEqual(summary(lintDockerfile(text, { buildPlatform: 'linux/arm/v7' }).diagnostics), []);
  });

  it('knows every name BuildKit predefines in the global scope', () => {
    const text = 'FROM alpine:${TARGETSTAGE}${TARGETOSVERSION}${BUILDOSVERSION}\n';
    assert.deepEqual(summary(lintDockerfile(text, {}).diagnostics), []);
  });

  it('a stage on $BUILDPLATFORM is never emulated; a pinned stage is checked against its own platform', () => {
    const text = `FROM --platform=$BUILDPLATFORM golang:1.22 AS build
RUN go build -o /out/app .
FROM --platform=linux/arm64 debian:bookworm AS tools
RUN curl -fsSLO https://example.com/tool-arm64.tar.gz
FROM alpine
COPY --from=build /out/app /app
`;
    const matrix = [{ variant: 'app', args: {}, platforms: ['linux/amd64', 'linux/arm64'] }];
    assert.deepEqual(summary(lintDockerfile(text, { matrix, buildPlatform: 'linux/amd64' }).diagnostics), []);
  });

  it('JSON output carries the cells; text output the words', async () => {
    const out = capturingIO(dir);
    await lint(['--format', 'json', '--no-network'], out);
    const rows = JSON.parse(out.stdout) as Array<{
      rule: string;
      message: string;
      cells?: Array<{ variant: string; platform: string }>;
    }>;
    const arch = rows.find((r) => r.rule === 'MultiArch/HardcodedArch');
    assert.deepEqual(arch?.cells, [
      { variant: 'minimal', platform: 'linux/arm64' },
      { variant: 'redis', platform: 'linux/arm64' },
    ]);
    assert.ok(rows.filter((r) => !r.rule.startsWith('MultiArch/')).every((r) => r.cells === undefined));
    out.stdout = '';
    await lint(['--no-network'], out);
    assert.match(
      out.stdout,
      /Dockerfile:11:\d+: warning MultiArch\/HardcodedArch: .* \(for linux\/arm64 in variants minimal, redis\)\n/,
    );
  });
});

describe('describing a set of cells', () => {
  const universe = [
    { variant: 'a', platform: 'linux/amd64' },
    { variant: 'a', platform: 'linux/arm64' },
    { variant: 'b', platform: 'linux/amd64' },
    { variant: 'b', platform: 'linux/arm64' },
    { variant: 'c', platform: 'linux/amd64' },
  ];
  const pick = (...keys: string[]) => universe.filter((c) => keys.includes(`${c.variant} ${c.platform.slice(6)}`));

  it('uses the fewest words that are exact', () => {
    assert.equal(describeCells(universe, universe), '');
    assert.equal(describeCells(pick('a amd64', 'a arm64'), universe), 'in variant a');
    assert.equal(describeCells(pick('a amd64', 'a arm64', 'c amd64'), universe), 'in variants a, c');
    assert.equal(describeCells(pick('a arm64', 'b arm64'), universe), 'for linux/arm64');
    assert.equal(describeCells(pick('a arm64'), universe), 'for linux/arm64 in variant a');
    assert.equal(
      describeCells(pick('a arm64', 'b amd64', 'c amd64'), universe),
      'for linux/arm64 in variant a; for linux/amd64 in variants b, c',
    );
  });
});

import { strict as assert } from 'node:assert';
import { fixAll, lintDockerfile } from '../../../src/core/lint';
import type { LintCell } from '../../../src/core/lint/types';

const rules = (text: string) => lintDockerfile(text).diagnostics.map((d) => `${d.range.start.line + 1} ${d.rule}`);

describe('patterns from well-known public Dockerfiles', () => {
  it('quoted global ARG defaults are unquoted before the base image is checked (prometheus)', () => {
    const df = 'ARG ARCH="amd64"\nARG OS="linux"\nFROM quay.io/prometheus/busybox-${OS}-${ARCH}:latest\n';
    assert.deepEqual(rules(df), []);
    // Single quotes too, and an ARG default built from an earlier one.
    assert.deepEqual(rules('ARG REG=\'docker.io\'\nARG IMG="${REG}/library/debian"\nFROM ${IMG}:12\n'), []);
  });

  it('an exec-form CMD continued over several lines is JSON (prometheus)', () => {
    const df =
      'FROM busybox\nCMD [ "--config.file=/etc/prometheus/prometheus.yml", \\\n     "--storage.tsdb.path=/prometheus" ]\n';
    assert.deepEqual(rules(df), []);
    const withComment =
      'FROM busybox\nENTRYPOINT [ "/bin/prometheus", \\\n# the config\n  "--web.enable-lifecycle" ]\n';
    assert.deepEqual(rules(withComment), []);
  });

  it('still recommends JSON for a continued shell form', () => {
    assert.deepEqual(rules('FROM busybox\nCMD echo a \\\n  && echo b\n'), ['2 JSONArgsRecommended']);
  });
});

describe('patterns from public images, linted against what BuildKit v0.32 says (second survey)', () => {
  const matrix: LintCell[] = [
    { variant: 'main', args: {}, platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] },
    { variant: 'arm', args: { ARCH: 'arm64' }, platforms: ['linux/arm64'] },
  ];
  const inCells = (text: string) =>
    lintDockerfile(text, { matrix, buildPlatform: 'linux/amd64' }).diagnostics.map(
      (d) =>
        `${d.range.start.line + 1} ${d.rule}${d.cells ? ` [${d.cells.map((c) => `${c.variant} ${c.platform}`).join(', ')}]` : ''}`,
    );

  it('a variable the base image defines and whose name contains a known one is no typo (golang: $GOPATH)', () => {
    assert.deepEqual(rules('FROM golang:1.22-alpine AS base\nWORKDIR $GOPATH/src/example.com/app\n'), []);
    // A real near-miss is still one.
    assert.deepEqual(rules('FROM golang:1.22-alpine\nENV PATH=$PAHT:/usr/local/go/bin\n'), ['2 UndefinedVar']);
  });

  it('a stage built FROM a stage on $BUILDPLATFORM runs there too (buildkit: cross-compiling with xx)', () => {
    const df = `FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS gobase
RUN apk add --no-cache clang lld
FROM gobase AS tool
ARG TARGETPLATFORM
RUN go build -o /out/tool ./cmd/tool
FROM alpine:3.20
COPY --from=tool /out/tool /usr/bin/
`;
    assert.deepEqual(
      rules(df).filter((r) => r.includes('MultiArch')),
      [],
    );
    assert.deepEqual(
      inCells(df).filter((r) => r.includes('MultiArch')),
      [],
    );
    // Without the pinned parent, the arm builds compile under QEMU.
    assert.deepEqual(
      inCells(df.replace('--platform=$BUILDPLATFORM ', '')).filter((r) => r.includes('Emulated')),
      ['3 MultiArch/EmulatedCompileStage [main linux/arm64, main linux/arm/v7, arm linux/arm64]'],
    );
  });

  it('"make" in a comment line of a continued RUN is not a compiler (golang: a stage that only downloads)', () => {
    const df = `FROM alpine:3.20 AS build
RUN set -eux; \\
# make sure the checksum matches before unpacking
\tapk add --no-cache curl; \\
\tcurl -fsSLo go.tgz "https://dl.google.com/go/go1.22.5.linux-$(apk --print-arch).tar.gz"
FROM alpine:3.20
COPY --from=build /usr/local/go /usr/local/go
`;
    assert.deepEqual(inCells(df), []);
  });

  it('a hard-coded ARCH default is wrong where the variant does not pass ARCH and the platform differs (prometheus)', () => {
    const df =
      'ARG ARCH="amd64"\nARG OS="linux"\nFROM quay.io/prometheus/busybox-${OS}-${ARCH}:latest\nARG ARCH="amd64"\nCOPY .build/${OS}-${ARCH}/prometheus /bin/prometheus\n';
    assert.deepEqual(inCells(df), [
      '1 MultiArch/HardcodedArch [main linux/arm64, main linux/arm/v7]',
      '4 MultiArch/HardcodedArch [main linux/arm64, main linux/arm/v7]',
    ]);
  });

  it('ENV GPG_KEY is reported, as BuildKit does (python): KEY is a secret word and nothing allows it', () => {
    assert.deepEqual(rules('FROM debian:bookworm-slim\nENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305\n'), [
      '2 SecretsUsedInArgOrEnv',
    ]);
  });
});

describe('files BuildKit refuses', () => {
  it('an unknown instruction is an error, with BuildKit’s suggestion', () => {
    const { diagnostics } = lintDockerfile('FROM alpine\nFOOBAR x\nFORM alpine\n');
    const errors = diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.range.start.line + 1} ${d.rule}: ${d.message}`);
    assert.deepEqual(errors, [
      '2 MultiArch/ParseError: unknown instruction: FOOBAR',
      '3 MultiArch/ParseError: unknown instruction: FORM (did you mean FROM?)',
    ]);
  });

  it('a # check=skip=all does not hide it', () => {
    assert.deepEqual(rules('# check=skip=all\nFROM alpine\nFOOBAR x\n'), ['3 MultiArch/ParseError']);
  });

  it('binary content gets one error and no rule noise', () => {
    const text = 'FROM alpine\u0000\u0001as x\nrun y\n';
    assert.deepEqual(rules(text), ['1 MultiArch/ParseError']);
  });

  it('fix leaves such a file as it was', () => {
    const text = 'from alpine AS build\nFOOBAR x\n';
    assert.equal(fixAll(text).text, text);
  });
});

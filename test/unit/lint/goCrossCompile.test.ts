// The Go cross-compile rewrite the emulation hot-spot quick-fix offers (MultiArch/EmulatedCompileStage), applied
// to a Go-shaped Dockerfile (test/fixtures/projects/go-service): the result must parse and lint clean. Nothing is
// built: no Go toolchain image can be made on this machine kind.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { lintDockerfile } from '../../../src/core/lint';
import { applyFixes } from '../../../src/core/lint/fix';

const file = join(__dirname, '..', '..', 'fixtures', 'projects', 'go-service', 'Dockerfile');
const text = readFileSync(file, 'utf8');
const lines = text.split('\n');
const context = { platformCount: 2 };

describe('Go cross-compile rewrite on a Go-shaped Dockerfile', () => {
  it('is offered on the build stage, whose go build line is where a hot spot shows', () => {
    const findings = lintDockerfile(text, context).diagnostics;
    assert.deepEqual(
      findings.map((d) => d.rule),
      ['MultiArch/EmulatedCompileStage'],
    );
    const [finding] = findings;
    assert.equal(lines[finding!.range.start.line], 'FROM golang:1.22-bookworm AS build');
    assert.equal(finding!.suggestions?.[0]?.title.startsWith('Cross-compile'), true);
  });

  it('applied, gives a Dockerfile that parses, builds on $BUILDPLATFORM and lints clean', () => {
    const fix = lintDockerfile(text, context).diagnostics[0]!.suggestions![0]!;
    const { text: fixed } = applyFixes(text, [fix]);
    assert.equal(
      fixed,
      text
        .replace(
          'FROM golang:1.22-bookworm AS build',
          'FROM --platform=$BUILDPLATFORM golang:1.22-bookworm AS build\nARG TARGETOS\nARG TARGETARCH',
        )
        .replace('RUN go build', 'RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build'),
    );
    const parsed = DockerfileParser.parse(fixed);
    assert.deepEqual(
      parsed.getFROMs().map((f) => f.getImageName()),
      ['golang', 'distroless/static-debian12'],
    );
    assert.equal(parsed.getFROMs()[0]!.getPlatformFlag()?.getValue(), '$BUILDPLATFORM');
    assert.deepEqual(lintDockerfile(fixed, context).diagnostics, []);
    // The language server's validator (a second parser) finds nothing either.
    assert.deepEqual(
      validate(fixed).map((d) => d.message),
      [],
    );
  });
});

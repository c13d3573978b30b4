import { strict as assert } from 'node:assert';
import { fixAll, lintDockerfile } from '../../../src/core/lint';

const rules = (text: string) => lintDockerfile(text).diagnostics.map((d) => `${d.range.start.line + 1} ${d.rule}`);

describe('patterns from well-known public Dockerfiles', () => {
  it('quoted global ARG defaults are unquoted before the base image is checked (prometheus)', () => {
    const df = 'ARG ARCH="amd64"\nARG OS="linux"\nFROM quay.io/prometheus/busybox-${OS}-${ARCH}:latest\n';
    assert.deepEqual(rules(df), []);
    // Single quotes too, and an ARG default built from an earlier one.
    assert.deepEqual(rules("ARG REG='docker.io'\nARG IMG=\"${REG}/library/debian\"\nFROM ${IMG}:12\n"), []);
  });

  it('an exec-form CMD continued over several lines is JSON (prometheus)', () => {
    const df = 'FROM busybox\nCMD [ "--config.file=/etc/prometheus/prometheus.yml", \\\n     "--storage.tsdb.path=/prometheus" ]\n';
    assert.deepEqual(rules(df), []);
    const withComment = 'FROM busybox\nENTRYPOINT [ "/bin/prometheus", \\\n# the config\n  "--web.enable-lifecycle" ]\n';
    assert.deepEqual(rules(withComment), []);
  });

  it('still recommends JSON for a continued shell form', () => {
    assert.deepEqual(rules('FROM busybox\nCMD echo a \\\n  && echo b\n'), ['2 JSONArgsRecommended']);
  });
});

describe('files BuildKit refuses', () => {
  it('an unknown instruction is an error, with BuildKit’s suggestion', () => {
    const { diagnostics } = lintDockerfile('FROM alpine\nFOOBAR x\nFORM alpine\n');
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line + 1} ${d.rule}: ${d.message}`);
    assert.deepEqual(errors, ['2 MultiArch/ParseError: unknown instruction: FOOBAR', '3 MultiArch/ParseError: unknown instruction: FORM (did you mean FROM?)']);
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

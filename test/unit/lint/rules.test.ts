import { strict as assert } from 'node:assert';
import { RULES } from '../../../src/core/lint';
import { buildkitUrl } from '../../../src/core/lint/rule';
import { applyRuleFixes, ruleDiagnostics, where } from './helpers';

interface Case {
  rule: string;
  /** Text with findings. */
  bad: string;
  /** Where each finding is, `line:col-endcol`, and the message of the first. */
  at: string[];
  message?: string;
  /** Text with no finding for this rule. */
  good: string;
  /** The text after applying this rule's fixes to `bad`; omitted when the rule offers no fix. */
  fixed?: string;
  context?: { platformCount?: number; dockerignore?: string };
}

const cases: Case[] = [
  {
    rule: 'FromAsCasing',
    bad: 'FROM alpine as build\nfrom alpine AS other\n',
    at: ['1:13-15', '2:13-15'],
    message: "'as' and 'FROM' keywords' casing do not match",
    good: 'FROM alpine AS build\nfrom alpine as other\nFrom alpine as mixed\n',
    fixed: 'FROM alpine AS build\nfrom alpine as other\n',
  },
  {
    rule: 'StageNameCasing',
    bad: 'FROM alpine AS Build\nFROM Build AS next\nFROM alpine\nCOPY --from=Build /a /a\nRUN --mount=type=cache,from=Build,target=/c ls\n',
    at: ['1:16-21'],
    message: "Stage name 'Build' should be lowercase",
    good: 'FROM alpine AS build\nFROM build\n',
    fixed:
      'FROM alpine AS build\nFROM build AS next\nFROM alpine\nCOPY --from=build /a /a\nRUN --mount=type=cache,from=build,target=/c ls\n',
  },
  {
    rule: 'ConsistentInstructionCasing',
    bad: 'FROM alpine\nrun echo\nRUN echo\n',
    at: ['2:1-4'],
    message: "Command 'run' should match the case of the command majority (uppercase)",
    good: 'arg V=1\nFROM alpine\nRUN echo\n',
    fixed: 'FROM alpine\nRUN echo\nRUN echo\n',
  },
  {
    rule: 'ConsistentInstructionCasing',
    bad: 'from alpine\nrun echo\nRUN echo\n',
    at: ['3:1-4'],
    message: "Command 'RUN' should match the case of the command majority (lowercase)",
    good: 'FROM alpine\n',
    fixed: 'from alpine\nrun echo\nrun echo\n',
  },
  {
    rule: 'NoEmptyContinuation',
    bad: 'FROM alpine\nRUN echo a \\\n\n  && echo b\n',
    // BuildKit puts it on the line the instruction ends on.
    at: ['4:1-12'],
    message: 'Empty continuation line',
    good: 'FROM alpine\nRUN echo a \\\n  # comment lines are fine\n  && echo b\n',
    fixed: 'FROM alpine\nRUN echo a \\\n  && echo b\n',
  },
  {
    rule: 'DuplicateStageName',
    bad: 'FROM alpine AS base\nFROM alpine AS BASE\n',
    at: ['2:16-20'],
    message: 'Duplicate stage name "base", stage names should be unique',
    good: 'FROM alpine AS base\nFROM alpine AS base2\n',
  },
  {
    rule: 'ReservedStageName',
    bad: 'FROM alpine AS scratch\nFROM alpine AS context\n',
    at: ['1:16-23', '2:16-23'],
    message: 'Stage name should not use the same name as reserved stage "scratch"',
    good: 'FROM scratch AS base\n',
  },
  {
    rule: 'JSONArgsRecommended',
    bad: 'FROM alpine\nENTRYPOINT my-program start\nCMD echo $HOME\n',
    at: ['2:12-28', '3:5-15'],
    message: 'JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals',
    good: 'FROM alpine\nCMD ["a"]\nFROM alpine\nSHELL ["/bin/sh", "-c"]\nCMD echo hi\n',
    // `echo $HOME` needs a shell to expand, so it gets no exec-form fix.
    fixed: 'FROM alpine\nENTRYPOINT ["my-program", "start"]\nCMD echo $HOME\n',
  },
  {
    rule: 'MaintainerDeprecated',
    bad: 'FROM alpine\nMAINTAINER Jane "J" <jane@example.com>\n',
    at: ['2:1-11'],
    message: 'Maintainer instruction is deprecated in favor of using label',
    good: 'FROM alpine\nLABEL org.opencontainers.image.authors="Jane"\n',
    fixed: 'FROM alpine\nLABEL org.opencontainers.image.authors="Jane \\"J\\" <jane@example.com>"\n',
  },
  {
    rule: 'UndefinedArgInFrom',
    bad: 'ARG VERSION=3\nFROM alpine:${VERSIN}\nFROM ${NOPE}\n',
    at: ['2:15-21', '3:8-12'],
    message: "FROM argument 'VERSIN' is not declared (did you mean VERSION?)",
    good: 'ARG VERSION=3\nFROM alpine:${VERSION}\nFROM --platform=$BUILDPLATFORM alpine\n',
    fixed: 'ARG VERSION=3\nFROM alpine:${VERSION}\nFROM ${NOPE}\n',
  },
  {
    rule: 'WorkdirRelativePath',
    bad: 'FROM alpine\nWORKDIR app\n',
    at: ['2:9-12'],
    message: 'Relative workdir "app" can have unexpected results if the base image changes',
    good: 'FROM alpine AS a\nWORKDIR /srv\nWORKDIR app\nFROM a\nWORKDIR sub\nFROM alpine\nWORKDIR $HOME\nWORKDIR C:\\app\n',
  },
  {
    rule: 'UndefinedVar',
    bad: 'FROM scratch\nCOPY $foo .\nFROM alpine\nENV PATH=$PAHT:/bin\n',
    at: ['2:7-10', '4:11-15'],
    message: "Usage of undefined variable '$foo'",
    good: 'FROM alpine\nARG foo\nCOPY $foo .\nENV A=1\nENV B=$A ${C:-x}\nRUN echo $UNDEFINED_BUT_SHELL\n',
    fixed: 'FROM scratch\nCOPY $foo .\nFROM alpine\nENV PATH=$PATH:/bin\n',
  },
  {
    rule: 'MultipleInstructionsDisallowed',
    bad: 'FROM alpine\nCMD ["a"]\nCMD ["b"]\nHEALTHCHECK NONE\nHEALTHCHECK NONE\n',
    at: ['2:1-4', '4:1-12'],
    message: 'Multiple CMD instructions should not be used in the same stage because only the last one will be used',
    good: 'FROM alpine\nCMD ["a"]\nFROM alpine\nCMD ["b"]\n',
  },
  {
    rule: 'LegacyKeyValueFormat',
    bad: 'FROM alpine\nENV MY_VAR my value\nLABEL k v\nENV Q "a b" c\n',
    at: ['2:5-20', '3:7-10', '4:5-14'],
    message: '"ENV key=value" should be used instead of legacy "ENV key value" format',
    good: 'FROM alpine\nENV A=1 B="x y"\nLABEL k=v\n',
    fixed: 'FROM alpine\nENV MY_VAR="my value"\nLABEL k=v\nENV Q="a b"\\ c\n',
  },
  {
    rule: 'RedundantTargetPlatform',
    bad: 'FROM --platform=$TARGETPLATFORM alpine\nFROM --platform=${TARGETPLATFORM}  alpine AS b\n',
    at: ['1:6-32', '2:6-34'],
    message: 'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
    good: 'FROM --platform=$BUILDPLATFORM alpine\n',
    fixed: 'FROM alpine\nFROM alpine AS b\n',
  },
  {
    rule: 'SecretsUsedInArgOrEnv',
    bad: 'FROM alpine\nARG GITHUB_TOKEN\nENV DB_PASSWORD=x\n',
    at: ['2:5-17', '3:5-16'],
    message: 'Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")',
    good: 'FROM alpine\nARG PUBLIC_KEY\nENV KEYBOARD=us\nARG TOKENIZER\n',
  },
  {
    rule: 'InvalidDefaultArgInFrom',
    bad: 'ARG TAG\nARG IMG=\nFROM alpine:${TAG}\nFROM ${IMG}\n',
    at: ['3:6-19', '4:6-12'],
    message: 'Default value for ARG alpine:${TAG} results in empty or invalid base image name',
    good: 'ARG TAG=3.20\nFROM alpine:${TAG}\nARG V\nFROM alpine:${V:-latest}\nFROM alpine:${TARGETARCH}\n',
  },
  {
    rule: 'FromPlatformFlagConstDisallowed',
    bad: 'FROM --platform=linux/amd64 alpine AS base\n',
    at: ['1:17-28'],
    message: 'FROM --platform flag should not use constant value "linux/amd64"',
    good: 'FROM --platform=linux/amd64 alpine AS build_amd64\nFROM --platform=$BUILDPLATFORM alpine\n',
  },
  {
    rule: 'CopyIgnoredFile',
    bad: 'FROM alpine\nCOPY secret.env ./\nADD node_modules/x /x\n',
    at: ['2:6-16', '3:5-19'],
    message: 'Attempting to Copy file "secret.env" that is excluded by .dockerignore',
    good: 'FROM alpine\nCOPY keep.txt src ./\nCOPY --from=alpine secret.env /x\n',
    context: { dockerignore: '*.env\nnode_modules\n' },
  },
  {
    rule: 'ExposeProtoCasing',
    bad: 'FROM alpine\nEXPOSE 80/TCP\n',
    at: ['2:11-14'],
    message: "Defined protocol '80/TCP' in EXPOSE instruction should be lowercase",
    good: 'FROM alpine\nEXPOSE 80/tcp 53/udp 8080\n',
    fixed: 'FROM alpine\nEXPOSE 80/tcp\n',
  },
  {
    rule: 'ExposeInvalidFormat',
    bad: 'FROM alpine\nEXPOSE 127.0.0.1:80:80 8080:80/udp\n',
    at: ['2:8-23', '2:24-35'],
    message: "EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'",
    good: 'FROM alpine\nEXPOSE 80 443/tcp\n',
    fixed: 'FROM alpine\nEXPOSE 80 80/udp\n',
  },
  {
    rule: 'InvalidDefinitionDescription',
    bad: '# a comment\nFROM scratch AS base\n# another\nARG VERSION=1\n',
    // On the instruction, as BuildKit; blank lines do not end a comment block, a bare # does.
    at: ['2:1-5', '4:1-4'],
    message: 'Comment for FROM should follow the format: `# base <description>`',
    good: '# base is the base\nFROM scratch AS base\n\n# unrelated\n#\nARG VERSION=1\n',
    fixed: '# a comment\n#\nFROM scratch AS base\n# another\n#\nARG VERSION=1\n',
  },
  {
    rule: 'MultiArch/HardcodedArch',
    bad: 'FROM debian\nRUN curl -fsSL https://x.example/linux/amd64/tool -o /t\nARG URL=https://x.example/tool-aarch64.tgz\n',
    at: ['2:40-45', '3:32-39'],
    good: 'FROM debian\nARG TARGETARCH\nRUN curl https://x.example/linux/${TARGETARCH}/tool\nRUN echo amd64\nFROM --platform=linux/amd64 debian\nRUN curl https://x.example/amd64/t\n',
    fixed:
      'FROM debian\nARG TARGETARCH\nRUN curl -fsSL https://x.example/linux/${TARGETARCH}/tool -o /t\nARG URL=https://x.example/tool-aarch64.tgz\n',
    context: { platformCount: 2 },
  },
  {
    rule: 'MultiArch/PlatformArgScope',
    bad: 'FROM alpine\nRUN echo $TARGETARCH ${BUILDPLATFORM}\n',
    at: ['2:11-21', '2:24-37'],
    message:
      'TARGETARCH is a global-scope build argument: declare "ARG TARGETARCH" in this stage before using it, otherwise it is empty here',
    good: 'FROM --platform=$BUILDPLATFORM alpine\nARG TARGETARCH\nRUN echo $TARGETARCH \\$TARGETOS\n',
    fixed: 'FROM alpine\nARG TARGETARCH\nARG BUILDPLATFORM\nRUN echo $TARGETARCH ${BUILDPLATFORM}\n',
  },
  {
    rule: 'MultiArch/EmulatedCompileStage',
    bad: 'FROM golang:1.22 AS build\nRUN cd /src && go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n',
    at: ['1:6-17'],
    good: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\nFROM golang AS unused\nRUN go build .\n',
    fixed:
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETOS\nARG TARGETARCH\nRUN cd /src && GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n',
    context: { platformCount: 2 },
  },
];

describe('lint rules', () => {
  it('has a case for every rule', () => {
    const covered = new Set(cases.map((c) => c.rule));
    assert.deepEqual(
      RULES.map((r) => r.meta.name).filter((n) => !covered.has(n)),
      [],
    );
  });

  it('links every BuildKit rule to its docs.docker.com page', () => {
    assert.equal(buildkitUrl('FromAsCasing'), 'https://docs.docker.com/reference/build-checks/from-as-casing/');
    assert.equal(
      buildkitUrl('JSONArgsRecommended'),
      'https://docs.docker.com/reference/build-checks/json-args-recommended/',
    );
    for (const r of RULES)
      assert.match(
        r.meta.url,
        r.meta.name.startsWith('MultiArch/')
          ? /README\.md#multiarch/
          : /^https:\/\/docs\.docker\.com\/reference\/build-checks\/[a-z-]+\/$/,
      );
  });

  for (const c of cases) {
    describe(c.rule, () => {
      it(`flags the offending tokens ${c.at.join(', ')}`, () => {
        const found = ruleDiagnostics(c.bad, c.rule, c.context);
        assert.deepEqual(found.map(where), c.at);
        if (c.message) assert.equal(found[0].message, c.message);
        assert.ok(found.every((d) => d.url.length > 0));
      });
      it('stays quiet on correct input', () => {
        assert.deepEqual(
          ruleDiagnostics(c.good, c.rule, c.context).map((d) => `${where(d)} ${d.message}`),
          [],
        );
      });
      if (c.fixed !== undefined) {
        it('fixes exactly the diagnosed tokens', () => {
          assert.equal(applyRuleFixes(c.bad, c.rule, c.context), c.fixed);
        });
      } else {
        it('offers no automatic fix', () => {
          assert.ok(ruleDiagnostics(c.bad, c.rule, c.context).every((d) => !d.fix));
        });
      }
    });
  }

  it('does not flag hard-coded architectures when the build has one platform', () => {
    assert.deepEqual(
      ruleDiagnostics('FROM debian\nRUN curl https://x.example/amd64/t\n', 'MultiArch/HardcodedArch', {
        platformCount: 1,
      }),
      [],
    );
  });

  it('never looks inside heredoc bodies for Dockerfile syntax', () => {
    const text = 'FROM alpine AS base\nRUN <<EOF\nFROM python:3.11-slim as builder\nMAINTAINER x\nEOF\n';
    for (const r of ['FromAsCasing', 'MaintainerDeprecated', 'StageNameCasing'])
      assert.deepEqual(ruleDiagnostics(text, r), []);
  });
});

describe('lint settings in package.json', () => {
  it('offers exactly the rules the linter has', async () => {
    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(await readFile(`${__dirname}/../../../package.json`, 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { propertyNames?: { enum: string[] } }> } };
    };
    assert.deepEqual(
      manifest.contributes.configuration.properties['multiarch.lint.rules'].propertyNames?.enum,
      RULES.map((r) => r.meta.name),
    );
  });
});

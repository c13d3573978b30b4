/**
 * The Dockerfiles of BuildKit's lint tests (frontend/dockerfile/dockerfile_check_test.go, BuildKit v0.32 /
 * Dockerfile frontend 1.26), restated here as data: each case is a Dockerfile (and .dockerignore), and the
 * findings BuildKit reports for it as `line Rule: detail`. Cases that need build options (frontend
 * attributes) or a registry are left out; see README "Where we differ from BuildKit".
 */
export interface BuildkitCase {
  name: string;
  dockerfile: string;
  dockerignore?: string;
  expect: string[];
  /** Where we deliberately report something else, the findings we give and why. */
  deliberate?: { expect: string[]; why: string };
}

const desc = (line: number, what: string, key: string) =>
  `${line} InvalidDefinitionDescription: Comment for ${what} should follow the format: \`# ${key} <description>\``;
const secret = (line: number, kw: string, name: string) =>
  `${line} SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (${kw} "${name}")`;
const casing = (line: number, cmd: string, want: string) =>
  `${line} ConsistentInstructionCasing: Command '${cmd}' should match the case of the command majority (${want})`;
const multiple = (line: number, kw: string) =>
  `${line} MultipleInstructionsDisallowed: Multiple ${kw} instructions should not be used in the same stage because only the last one will be used`;
const legacy = (line: number, kw: string) =>
  `${line} LegacyKeyValueFormat: "${kw} key=value" should be used instead of legacy "${kw} key value" format`;
const fromAs = (line: number, as: string, from: string) =>
  `${line} FromAsCasing: '${as}' and '${from}' keywords' casing do not match`;
const badDefault = (line: number, word: string) =>
  `${line} InvalidDefaultArgInFrom: Default value for ARG ${word} results in empty or invalid base image name`;
const undefinedVar = (line: number, name: string, hint?: string) =>
  `${line} UndefinedVar: Usage of undefined variable '$${name}'${hint ? ` (did you mean $${hint}?)` : ''}`;

const skipCasing = 'FROM scratch as base\ncopy Dockerfile .\n';

export const BUILDKIT_CASES: BuildkitCase[] = [
  {
    name: 'definition descriptions that name the ARG or stage, or are cut off by a bare #',
    dockerfile:
      '# check=skip=all;experimental=InvalidDefinitionDescription\n# foo this is the foo\nARG foo=bar\n\n# base this is the base image\nFROM scratch AS base\n\n# version this is the version number\nARG version=latest\n\n# baz this is the baz\nARG foo=baz bar=qux baz=quux\n#\nARG bit=bat\n\n# comment for something other than ARG or FROM\nCOPY Dockerfile .\n',
    expect: [],
  },
  {
    name: 'definition descriptions that name something else',
    dockerfile:
      '# check=experimental=InvalidDefinitionDescription\n# bar this is the bar\nARG foo=bar\n# BasE this is the BasE image\nFROM scratch AS base\n# definitely a bad comment\nARG version=latest\n# definitely a bad comment\nARG foo=baz bar=qux baz=quux\n',
    expect: [desc(3, 'ARG', 'foo'), desc(5, 'FROM', 'base'), desc(7, 'ARG', 'version'), desc(9, 'ARG', '<arg_key>')],
  },
  {
    name: 'COPY and ADD of an ignored file',
    dockerignore: '\nDockerfile\n',
    dockerfile: '\nFROM scratch\nCOPY Dockerfile .\nADD Dockerfile /windy\n',
    expect: [
      '3 CopyIgnoredFile: Attempting to Copy file "Dockerfile" that is excluded by .dockerignore',
      '4 CopyIgnoredFile: Attempting to Add file "Dockerfile" that is excluded by .dockerignore',
    ],
  },
  {
    name: 'CopyIgnoredFile skipped by the file',
    dockerignore: '\nDockerfile\n',
    dockerfile: '# check=skip=CopyIgnoredFile\n\nFROM scratch\nCOPY Dockerfile .\nADD Dockerfile /windy\n',
    expect: [],
  },
  {
    name: 'copying an ignored path from a stage is fine',
    dockerignore: '\nfoobar\n',
    dockerfile:
      '\nFROM scratch AS base\nCOPY Dockerfile /foobar\nADD Dockerfile /windy\n\nFROM base\nCOPY --from=base /foobar /Dockerfile\n',
    expect: [],
  },
  {
    name: 'a .dockerignore with exclusions is not checked',
    dockerignore: '\n**\n!Dockerfile\n',
    dockerfile: '\nFROM scratch\nCOPY ./Dockerfile .\n',
    expect: [],
  },
  {
    name: 'copying the context root with exclusions',
    dockerignore: '\n**\n!Dockerfile\n',
    dockerfile: '\nFROM scratch\nCOPY . .\n\t',
    expect: [],
  },
  {
    name: 'copying the context root when only dotfiles are ignored',
    dockerignore: '\n.*\n',
    dockerfile: '\nFROM scratch\nCOPY . .\n',
    expect: [],
  },
  {
    name: 'copying the context root when everything is ignored',
    dockerignore: '\n*\n',
    dockerfile: '\nFROM scratch\nCOPY . .\n',
    expect: ['3 CopyIgnoredFile: Attempting to Copy file "." that is excluded by .dockerignore'],
  },
  {
    name: 'secret-looking ARG and ENV names, file paths and versions allowed, per-instruction skips',
    dockerfile:
      '# check=skip=InvalidDefinitionDescription\n\nFROM scratch\nARG SECRET_PASSPHRASE\nENV SUPER_Secret=foo\nENV password=bar secret=baz\nARG super_duper_secret_token=foo auth=bar\nENV apikey=bar sunflower=foo\nENV git_key=\nENV PUBLIC_KEY=\nARG public_token\nARG SECRET_PASSPHRASE_FILE\nENV password_file=bar secret_File=baz\nARG AUTH_MODULE_VERSION\n# check=skip=SecretsUsedInArgOrEnv // allow secret in environment\nENV password=bar\n# check=skip=SecretsUsedInArgOrEnv // allow secret in arg\nARG password\n# check=skip=all // is local to only this instruction\nENV alternate_password=bar\n# check=skip=all // is local to only this instruction\nARG alternate_password\n',
    expect: [
      secret(4, 'ARG', 'SECRET_PASSPHRASE'),
      secret(5, 'ENV', 'SUPER_Secret'),
      secret(6, 'ENV', 'password'),
      secret(6, 'ENV', 'secret'),
      secret(7, 'ARG', 'auth'),
      secret(7, 'ARG', 'super_duper_secret_token'),
      secret(8, 'ENV', 'apikey'),
      secret(9, 'ENV', 'git_key'),
    ],
  },
  {
    name: 'undefined variables in two stages',
    dockerfile: '\nFROM scratch AS first\nCOPY $foo .\n\nFROM scratch AS second\nCOPY $bar .\n',
    expect: [undefinedVar(6, 'bar')],
    deliberate: {
      expect: [undefinedVar(3, 'foo'), undefinedVar(6, 'bar')],
      why: 'every stage is checked, not only those the default target reaches',
    },
  },
  { name: 'check=skip=all', dockerfile: `#check=skip=all\n${skipCasing}`, expect: [] },
  { name: 'check=skip=all with error=true', dockerfile: `#check=skip=all;error=true\n${skipCasing}`, expect: [] },
  {
    name: 'check=skip of both rules',
    dockerfile: `#check=skip=ConsistentInstructionCasing,FromAsCasing\n${skipCasing}`,
    expect: [],
  },
  {
    name: 'check=skip of both rules with error=true',
    dockerfile: `#check=skip=ConsistentInstructionCasing,FromAsCasing;error=true\n${skipCasing}`,
    expect: [],
  },
  {
    name: 'check=skip of one rule',
    dockerfile: `#check=skip=ConsistentInstructionCasing\n${skipCasing}`,
    expect: [fromAs(2, 'as', 'FROM')],
  },
  {
    name: 'check=skip of one rule with error=true',
    dockerfile: `#check=skip=ConsistentInstructionCasing;error=true\n${skipCasing}`,
    expect: [fromAs(2, 'as', 'FROM')],
  },
  {
    name: 'stage name casing and as casing',
    dockerfile:
      "\n# warning: stage name should be lowercase\n#\nFROM scratch AS BadStageName\n\n# warning: 'as' should match 'FROM' cmd casing.\n#\nFROM scratch as base2\n\nFROM scratch AS base3\n",
    expect: ["4 StageNameCasing: Stage name 'BadStageName' should be lowercase", fromAs(8, 'as', 'FROM')],
  },
  {
    name: 'AS after a lowercase from',
    dockerfile: "\n# warning: 'AS' should match 'from' cmd casing.\n#\nfrom scratch AS base\n\nfrom scratch as base2\n",
    expect: [fromAs(4, 'AS', 'from')],
  },
  {
    name: 'empty continuation line',
    dockerfile: '\nFROM scratch\n# warning: empty continuation line\nCOPY Dockerfile \\\n\n.\nCOPY Dockerfile \\\n.\n',
    expect: ['6 NoEmptyContinuation: Empty continuation line'],
  },
  {
    name: 'mixed-case From',
    dockerfile:
      "\n# warning: 'FROM' should be either lowercased or uppercased\n#\nFrom scratch as base\nFROM scratch AS base2\n",
    expect: [casing(4, 'From', 'uppercase')],
  },
  {
    name: 'lowercase copy among uppercase',
    dockerfile:
      "\nFROM scratch\n# warning: 'copy' should match command majority's casing (uppercase)\ncopy Dockerfile /foo\nCOPY Dockerfile /bar\n",
    expect: [casing(4, 'copy', 'uppercase')],
  },
  {
    name: 'mixed-case frOM among lowercase',
    dockerfile:
      "\n# warning: 'frOM' should be either lowercased or uppercased\n#\nfrOM scratch as base\nfrom scratch as base2\n",
    expect: [casing(4, 'frOM', 'lowercase')],
  },
  {
    name: 'uppercase COPY among lowercase',
    dockerfile:
      "\nfrom scratch\n# warning: 'COPY' should match command majority's casing (lowercase)\nCOPY Dockerfile /foo\ncopy Dockerfile /bar\n",
    expect: [casing(4, 'COPY', 'lowercase')],
  },
  {
    name: 'lowercase from among uppercase',
    dockerfile:
      "\n# warning: 'from' should match command majority's casing (uppercase)\n#\nfrom scratch\nCOPY Dockerfile /foo\nCOPY Dockerfile /bar\nCOPY Dockerfile /baz\n",
    expect: [casing(4, 'from', 'uppercase')],
  },
  {
    name: 'uppercase FROM among lowercase',
    dockerfile:
      "\n# warning: 'FROM' should match command majority's casing (lowercase)\n#\nFROM scratch\ncopy Dockerfile /foo\ncopy Dockerfile /bar\ncopy Dockerfile /baz\n",
    expect: [casing(4, 'FROM', 'lowercase')],
  },
  { name: 'all lowercase', dockerfile: '\nfrom scratch\ncopy Dockerfile /foo\ncopy Dockerfile /bar\n', expect: [] },
  { name: 'all uppercase', dockerfile: '\nFROM scratch\nCOPY Dockerfile /foo\nCOPY Dockerfile /bar\n', expect: [] },
  { name: 'a heredoc body is not an instruction', dockerfile: "\nFROM alpine\nRUN <<'EOT'\nenv\nEOT\n", expect: [] },
  {
    name: 'duplicate stage name',
    dockerfile: '\nFROM scratch AS b\nFROM scratch AS b\n',
    expect: ['3 DuplicateStageName: Duplicate stage name "b", stage names should be unique'],
  },
  { name: 'distinct stage names', dockerfile: '\nFROM scratch AS b1\nFROM scratch AS b2\n', expect: [] },
  {
    name: 'reserved stage names',
    dockerfile: '\nFROM scratch AS scratch\nFROM scratch AS context\n',
    expect: [
      '2 ReservedStageName: Stage name should not use the same name as reserved stage "scratch"',
      '3 ReservedStageName: Stage name should not use the same name as reserved stage "context"',
    ],
  },
  { name: 'scratch as a base only', dockerfile: '\nFROM scratch\nFROM scratch AS a\n', expect: [] },
  {
    name: 'shell-form CMD',
    dockerfile: '\nFROM scratch\nCMD mycommand\n',
    expect: [
      '3 JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
    ],
  },
  {
    name: 'shell-form ENTRYPOINT',
    dockerfile: '\nFROM scratch\nENTRYPOINT mycommand\n',
    expect: [
      '3 JSONArgsRecommended: JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals',
    ],
  },
  {
    name: 'shell-form CMD after SHELL',
    dockerfile: '\nFROM scratch\nSHELL ["/usr/bin/customshell"]\nCMD mycommand\n',
    expect: [],
  },
  {
    name: 'shell-form ENTRYPOINT after SHELL',
    dockerfile: '\nFROM scratch\nSHELL ["/usr/bin/customshell"]\nENTRYPOINT mycommand\n',
    expect: [],
  },
  {
    name: 'shell-form CMD after SHELL in the parent stage',
    dockerfile: '\nFROM scratch AS base\nSHELL ["/usr/bin/customshell"]\n\nFROM base\nCMD mycommand\n',
    expect: [],
  },
  {
    name: 'shell-form ENTRYPOINT after SHELL in the parent stage',
    dockerfile: '\nFROM scratch AS base\nSHELL ["/usr/bin/customshell"]\n\nFROM base\nENTRYPOINT mycommand\n',
    expect: [],
  },
  {
    name: 'MAINTAINER',
    dockerfile: '\nFROM scratch\nMAINTAINER me@example.org\n',
    expect: ['3 MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label'],
  },
  {
    name: 'authors label',
    dockerfile: '\nFROM scratch\nLABEL org.opencontainers.image.authors="me@example.org"\n',
    expect: [],
  },
  {
    name: 'CMD skipped by the comment above it',
    dockerfile: '\nFROM scratch\n# check=skip=JSONArgsRecommended\nCMD mycommand\n',
    expect: [],
  },
  {
    name: 'ENTRYPOINT skipped by the comment above it',
    dockerfile: '\nFROM scratch\n# check=skip=JSONArgsRecommended\nENTRYPOINT mycommand\n',
    expect: [],
  },
  {
    name: 'MAINTAINER skipped by the comment above it',
    dockerfile: '\nFROM scratch\n# check=skip=MaintainerDeprecated\nMAINTAINER me@example.org\n',
    expect: [],
  },
  {
    name: 'warnings before an unknown instruction',
    dockerfile: '\nFROM scratch AS BadStageName\nMAINTAINER me@example.org\nBADCMD\n',
    expect: [
      "2 StageNameCasing: Stage name 'BadStageName' should be lowercase",
      '3 MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label',
      '4 MultiArch/ParseError: unknown instruction: BADCMD',
    ],
  },
  { name: 'global ARG in FROM', dockerfile: '\nARG base=scratch\nFROM $base\nCOPY Dockerfile .\n', expect: [] },
  {
    name: 'redeclared BUILDPLATFORM',
    dockerfile: '\nARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM scratch\nCOPY Dockerfile .\n',
    expect: [],
  },
  {
    name: 'predefined BUILDPLATFORM',
    dockerfile: '\nFROM --platform=$BUILDPLATFORM scratch\nCOPY Dockerfile .\n',
    expect: [],
  },
  {
    name: 'an ARG without a value in FROM',
    dockerfile: '\nARG DEBUG\nFROM scratch${DEBUG}\nCOPY Dockerfile .\n',
    expect: [],
  },
  { name: 'a :- default in FROM', dockerfile: '\nARG DEBUG\nFROM scra${DEBUG:-tch}\nCOPY Dockerfile .\n', expect: [] },
  {
    name: 'a - default is not used for an empty value',
    dockerfile: '\nARG DEBUG=""\nFROM scratch${DEBUG-@bogus}\nCOPY Dockerfile .\n',
    expect: [],
  },
  {
    name: 'a misspelled platform ARG',
    dockerfile: '\nFROM --platform=$BULIDPLATFORM scratch\nCOPY Dockerfile .\n',
    expect: ["2 UndefinedArgInFrom: FROM argument 'BULIDPLATFORM' is not declared (did you mean BUILDPLATFORM?)"],
  },
  {
    name: 'a misspelled global ARG in --platform',
    dockerfile: '\nARG MY_OS=linux\nARG MY_ARCH=amd64\nFROM --platform=linux/${MYARCH} busybox\nCOPY Dockerfile .\n\t',
    expect: ["4 UndefinedArgInFrom: FROM argument 'MYARCH' is not declared (did you mean MY_ARCH?)"],
  },
  {
    name: 'an undeclared ARG in the image name',
    dockerfile: '\nARG tag=latest\nFROM busybox:${tag}${version} AS b\nCOPY Dockerfile .\n',
    expect: ["3 UndefinedArgInFrom: FROM argument 'version' is not declared"],
  },
  {
    name: 'relative WORKDIR',
    dockerfile: '\nFROM scratch\nWORKDIR app/\n',
    expect: ['3 WorkdirRelativePath: Relative workdir "app/" can have unexpected results if the base image changes'],
  },
  {
    name: 'relative WORKDIR after an absolute one in the parent',
    dockerfile: '\nFROM scratch AS a\nWORKDIR /app\n\nFROM a AS b\nWORKDIR subdir/\n',
    expect: [],
  },
  {
    name: 'relative WORKDIR skipped by the comment above it',
    dockerfile: '\nFROM scratch\n# check=skip=WorkdirRelativePath\nWORKDIR app/\n',
    expect: [],
  },
  { name: 'a declared ARG', dockerfile: '\nFROM scratch\nARG foo\nCOPY Dockerfile${foo} .\n', expect: [] },
  {
    name: 'an ARG of the parent stage',
    dockerfile: '\nFROM alpine AS base\nARG foo=Dockerfile\n\nFROM base\nCOPY $foo .\n',
    expect: [],
  },
  { name: 'a variable in RUN is the shell’s', dockerfile: '\nFROM alpine\nRUN echo $PATH\n', expect: [] },
  {
    name: 'a variable used before its ARG',
    dockerfile: '\nFROM alpine\nCOPY $foo .\nARG foo=bar\nRUN echo $foo\n',
    expect: [undefinedVar(3, 'foo')],
  },
  {
    name: 'a near-miss of a declared ARG',
    dockerfile:
      '\nFROM alpine\nARG DIR_BINARIES=binaries/\nARG DIR_ASSETS=assets/\nARG DIR_CONFIG=config/\nCOPY $DIR_ASSET .\n\t',
    expect: [undefinedVar(6, 'DIR_ASSET', 'DIR_ASSETS')],
  },
  {
    name: 'a near-miss of PATH',
    dockerfile: '\nFROM alpine\nENV PATH=$PAHT:/tmp/bin\n\t\t',
    expect: [undefinedVar(3, 'PAHT', 'PATH')],
  },
  {
    name: 'repeated ENTRYPOINT, CMD and HEALTHCHECK',
    dockerfile:
      '\nFROM scratch\nENTRYPOINT ["/myapp"]\nENTRYPOINT ["/myotherapp"]\nCMD ["/myapp"]\nCMD ["/myotherapp"]\nHEALTHCHECK CMD ["/myapp"]\nHEALTHCHECK CMD ["/myotherapp"]\n',
    expect: [multiple(3, 'ENTRYPOINT'), multiple(5, 'CMD'), multiple(7, 'HEALTHCHECK')],
  },
  {
    name: 'repeated instructions around a heredoc',
    dockerfile:
      '\nFROM scratch\nENTRYPOINT ["/myapp"]\nCMD ["/myapp"]\nHEALTHCHECK CMD ["/myapp"]\nCOPY <<EOF /a.txt\nHello, World!\nEOF\nENTRYPOINT ["/myotherapp"]\nCMD ["/myotherapp"]\nHEALTHCHECK CMD ["/myotherapp"]\n',
    expect: [multiple(3, 'ENTRYPOINT'), multiple(4, 'CMD'), multiple(5, 'HEALTHCHECK')],
  },
  {
    name: 'the same instructions in a child stage',
    dockerfile:
      '\nFROM scratch AS a\nENTRYPOINT ["/myapp"]\nCMD ["/myapp"]\nHEALTHCHECK CMD ["/myapp"]\n\nFROM a AS b\nENTRYPOINT ["/myotherapp"]\nCMD ["/myotherapp"]\nHEALTHCHECK CMD ["/myotherapp"]\n',
    expect: [],
  },
  {
    name: 'legacy ENV and LABEL',
    dockerfile: '\nFROM scratch\nENV testkey value\nLABEL key value\n',
    expect: [legacy(3, 'ENV'), legacy(4, 'LABEL')],
  },
  { name: 'key=value ENV and LABEL', dockerfile: '\nFROM scratch\nENV testkey=value\nLABEL key=value\n', expect: [] },
  {
    name: 'legacy ENV and LABEL in a stage the default target does not reach',
    dockerfile: '\nFROM scratch AS a\n\nFROM a AS b\nENV testkey value\nLABEL key value\n\nFROM a AS c\n',
    expect: [],
    deliberate: {
      expect: [legacy(5, 'ENV'), legacy(6, 'LABEL')],
      why: 'every stage is checked, not only those the default target reaches',
    },
  },
  {
    name: 'legacy ENV and LABEL skipped by the comments above them',
    dockerfile:
      '\nFROM scratch\n# check=skip=LegacyKeyValueFormat\nENV testkey value\n# check=skip=LegacyKeyValueFormat\nLABEL key value\n',
    expect: [],
  },
  {
    name: '--platform=$TARGETPLATFORM',
    dockerfile: '\nFROM --platform=$TARGETPLATFORM scratch\n',
    expect: [
      '2 RedundantTargetPlatform: Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
    ],
  },
  {
    name: '--platform=${TARGETPLATFORM}',
    dockerfile: '\nFROM --platform=${TARGETPLATFORM} scratch\n',
    expect: [
      '2 RedundantTargetPlatform: Setting platform to predefined ${TARGETPLATFORM} in FROM is redundant as this is the default behavior',
    ],
  },
  {
    name: '--platform=$TARGETPLATFORM skipped by the comment above it',
    dockerfile: '\n# check=skip=RedundantTargetPlatform\nFROM --platform=$TARGETPLATFORM scratch\n',
    expect: [],
  },
  {
    name: 'an ARG without a default as the tag',
    dockerfile: '\nARG VERSION\nFROM busybox:$VERSION\n',
    expect: [badDefault(3, 'busybox:$VERSION')],
  },
  {
    name: 'an ARG without a default as the image',
    dockerfile: '\nARG IMAGE\nFROM $IMAGE\n',
    expect: [badDefault(3, '$IMAGE')],
  },
  {
    name: 'a quoted default that leaves a trailing colon',
    dockerfile: '\nARG SFX="box:"\nFROM busy${SFX}\n',
    expect: [badDefault(3, 'busy${SFX}')],
  },
  { name: 'a quoted default tag', dockerfile: '\nARG VERSION="latest"\nFROM busybox:${VERSION}\n', expect: [] },
  {
    name: 'an empty quoted suffix',
    dockerfile: '\nARG BUSYBOX_VARIANT=""\nFROM busybox:stable${BUSYBOX_VARIANT}\n',
    expect: [],
  },
  {
    name: 'an unset suffix, indented',
    dockerfile: '\n\tARG BUSYBOX_VARIANT\n\tFROM busybox:stable${BUSYBOX_VARIANT}\n\t',
    expect: [],
  },
  {
    name: 'a constant --platform',
    dockerfile: '\nFROM --platform=linux/amd64 scratch\n',
    expect: ['2 FromPlatformFlagConstDisallowed: FROM --platform flag should not use constant value "linux/amd64"'],
  },
  {
    name: 'a constant --platform in a stage named after the arch',
    dockerfile: '\nFROM --platform=linux/amd64 scratch AS my_amd64_stage\n',
    expect: [],
  },
  {
    name: 'a constant --platform in a stage named after the OS',
    dockerfile: '\nFROM --platform=linux/amd64 scratch AS linux\n',
    expect: [],
  },
  {
    name: 'uppercase EXPOSE protocols',
    dockerfile: '\nFROM scratch\nEXPOSE 80/TcP 8080/TCP 8080/udp\n',
    expect: [
      "3 ExposeProtoCasing: Defined protocol '80/TcP' in EXPOSE instruction should be lowercase",
      "3 ExposeProtoCasing: Defined protocol '8080/TCP' in EXPOSE instruction should be lowercase",
    ],
  },
  {
    name: 'EXPOSE with addresses and host ports',
    dockerfile: '\nFROM scratch\nEXPOSE 127.0.0.1:80:80 [::1]:8080:8080 5000:5000 8000\n',
    expect: [
      "3 ExposeInvalidFormat: EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'",
      "3 ExposeInvalidFormat: EXPOSE instruction should not define an IP address or host-port mapping, found '5000:5000'",
      "3 ExposeInvalidFormat: EXPOSE instruction should not define an IP address or host-port mapping, found '[::1]:8080:8080'",
    ],
  },
];

import { strict as assert } from 'node:assert';
import { lintDockerfile } from '../../../src/core/lint';
import { parseCheckValue, parseDirectiveBlock } from '../../../src/core/lint/directives';
import { LineIndex } from '../../../src/core/lint/text';

const rulesOf = (text: string) => lintDockerfile(text).diagnostics.map((d) => `${d.rule}:${d.severity}`);

describe('check directive (BuildKit semantics)', () => {
  it('skips listed rules, with blanks around names', () => {
    assert.deepEqual(
      rulesOf('# check=skip= FromAsCasing , MaintainerDeprecated\nFROM alpine as b\nMAINTAINER x\n'),
      [],
    );
  });

  it('skip=all silences every rule', () => {
    assert.deepEqual(rulesOf('# check=skip=all\nFROM alpine as b\nMAINTAINER x\n'), []);
  });

  it('error=true turns findings into errors; error=false and Go booleans parse', () => {
    assert.deepEqual(rulesOf('# check=error=true\nFROM alpine as b\n'), ['FromAsCasing:error']);
    assert.deepEqual(rulesOf('# check=error=1\nFROM alpine as b\n'), ['FromAsCasing:error']);
    assert.deepEqual(rulesOf('# check=error=False\nFROM alpine as b\n'), ['FromAsCasing:warning']);
  });

  it('combines options with ";"', () => {
    assert.deepEqual(rulesOf('# check=skip=MaintainerDeprecated;error=true\nFROM alpine as b\nMAINTAINER x\n'), [
      'FromAsCasing:error',
    ]);
  });

  it('is a file directive only before any other line; later, it covers the next instruction only', () => {
    assert.deepEqual(rulesOf('FROM alpine as b\n# check=skip=all\n'), ['FromAsCasing:warning']);
    assert.deepEqual(rulesOf('\n# check=skip=all\nFROM alpine as b\nFROM alpine as c\n'), ['FromAsCasing:warning']);
    assert.deepEqual(rulesOf('# a comment\n# check=skip=all\nFROM alpine as b\n'), []);
    assert.deepEqual(rulesOf(' # check=skip=all\nFROM alpine as b\n'), []);
  });

  it('an instruction comment: the first check comment counts, up to its first blank; a bad one is ignored', () => {
    assert.deepEqual(rulesOf('FROM alpine\n# check=skip=MaintainerDeprecated // reason\nMAINTAINER x\n'), []);
    assert.deepEqual(
      rulesOf('FROM alpine\n# check=skip=JSONArgsRecommended\n# check=skip=MaintainerDeprecated\nMAINTAINER x\n'),
      ['MaintainerDeprecated:warning'],
    );
    assert.deepEqual(rulesOf('FROM alpine\n# check=bogus\nMAINTAINER x\n'), ['MaintainerDeprecated:warning']);
    assert.deepEqual(rulesOf('FROM alpine\n# check=skip=MaintainerDeprecated\n#\nMAINTAINER x\n'), [
      'MaintainerDeprecated:warning',
    ]);
    // File-wide checks are not covered by a comment above one instruction.
    assert.deepEqual(rulesOf('FROM alpine\n# check=skip=ConsistentInstructionCasing\nrun x\n'), [
      'ConsistentInstructionCasing:warning',
    ]);
    assert.deepEqual(rulesOf('FROM alpine\n# check=experimental=InvalidDefinitionDescription\nARG A\nARG B\n'), [
      'InvalidDefinitionDescription:warning',
    ]);
  });

  it('may follow other directives and a shebang, in any case, with spaces', () => {
    assert.deepEqual(
      rulesOf('#!/usr/bin/env docker\n# syntax=docker/dockerfile:1\n#  CHECK = skip=FromAsCasing \nFROM alpine as b\n'),
      [],
    );
  });

  it('an unknown directive ends the block', () => {
    assert.deepEqual(rulesOf('# foo=bar\n# check=skip=all\nFROM alpine as b\nFROM alpine as c\n'), [
      'FromAsCasing:warning',
    ]);
  });

  it('experimental rules run only when asked for, and skip does not apply to them', () => {
    const df = '# check=skip=all;experimental=InvalidDefinitionDescription\n# hello\nFROM alpine AS base\n';
    assert.deepEqual(rulesOf(df), ['InvalidDefinitionDescription:warning']);
    assert.deepEqual(rulesOf('# hello\nFROM alpine AS base\n'), []);
  });

  it('reports directives BuildKit rejects', () => {
    assert.deepEqual(rulesOf('# check=skip\nFROM alpine\n'), ['MultiArch/ParserDirective:error']);
    assert.deepEqual(rulesOf('# check=error=maybe\nFROM alpine\n'), ['MultiArch/ParserDirective:error']);
    assert.deepEqual(rulesOf('# check=skip=all\n# check=error=true\nFROM alpine as b\n'), [
      'MultiArch/ParserDirective:error',
    ]);
  });

  it('parses values like ParseLintOptions', () => {
    const cfg = parseCheckValue('skip=A,B;error=true');
    assert.deepEqual([...cfg.skip], ['A', 'B']);
    assert.equal(cfg.error, true);
    assert.match(parseCheckValue('bogus=1').problem ?? '', /invalid check option "bogus"/);
  });

  it('records where the block ends, for inserting a directive', () => {
    assert.equal(parseDirectiveBlock(new LineIndex('# syntax=x\n# escape=`\nFROM a\n')).insertLine, 2);
    assert.equal(parseDirectiveBlock(new LineIndex('FROM a\n')).insertLine, 0);
  });

  it('settings override severities and can turn rules off', () => {
    const text = 'FROM alpine as b\nMAINTAINER x\n';
    const d = lintDockerfile(text, {}, { rules: { FromAsCasing: 'error', MaintainerDeprecated: 'off' } }).diagnostics;
    assert.deepEqual(
      d.map((x) => `${x.rule}:${x.severity}`),
      ['FromAsCasing:error'],
    );
  });
});

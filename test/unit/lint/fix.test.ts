import { strict as assert } from 'node:assert';
import { applyEdits, applyFixes, fixAll, ignoreRuleEdit, lintDockerfile } from '../../../src/core/lint';

const at = (line: number, character: number) => ({ line, character });

describe('fix engine', () => {
  it('applies non-overlapping edits and keeps every other byte', () => {
    const text = 'FROM alpine as b\nRUN x\n';
    const out = applyEdits(text, [
      { range: { start: at(0, 12), end: at(0, 14) }, newText: 'AS' },
      { range: { start: at(1, 5), end: at(1, 5) }, newText: ' y' },
    ]);
    assert.equal(out, 'FROM alpine AS b\nRUN x y\n');
  });

  it('skips a whole fix when one of its edits overlaps an earlier fix', () => {
    const text = 'abcdef';
    const r = applyFixes(text, [
      { title: 'a', edits: [{ range: { start: at(0, 1), end: at(0, 3) }, newText: 'X' }] },
      {
        title: 'b',
        edits: [
          { range: { start: at(0, 2), end: at(0, 4) }, newText: 'Y' },
          { range: { start: at(0, 5), end: at(0, 6) }, newText: 'Z' },
        ],
      },
    ]);
    assert.deepEqual(r, { text: 'aXdef', applied: 1 });
  });

  it("keeps CRLF and a BOM, and writes inserted line breaks in the file's style", () => {
    const text = '\uFEFFFROM alpine as b\r\nRUN x\r\n';
    const out = fixAll(text).text;
    assert.equal(out, '\uFEFFFROM alpine AS b\r\nRUN x\r\n');
    const inserted = applyEdits('\uFEFFa\r\nb\r\n', [{ range: { start: at(1, 0), end: at(1, 0) }, newText: 'x\n' }]);
    assert.equal(inserted, '\uFEFFa\r\nx\r\nb\r\n');
  });

  it('never edits inside a heredoc body', () => {
    const text = 'FROM alpine\nRUN <<EOF\nhello\nEOF\n';
    const { model } = lintDockerfile(text);
    const r = applyFixes(
      text,
      [{ title: 'x', edits: [{ range: { start: at(2, 0), end: at(2, 5) }, newText: 'bye' }] }],
      model.heredocSpans,
    );
    assert.deepEqual(r, { text, applied: 0 });
  });

  it('fixes only the requested rules', () => {
    const text = 'FROM alpine as b\nMAINTAINER me\n';
    assert.equal(fixAll(text, {}, { only: ['FromAsCasing'] }).text, 'FROM alpine AS b\nMAINTAINER me\n');
  });

  it('re-lints between passes until stable (casing change then FROM/AS match)', () => {
    const text = 'from alpine AS b\nFROM x\nRUN y\n';
    assert.equal(fixAll(text).text, 'FROM alpine AS b\nFROM x\nRUN y\n');
  });
});

describe('ignore rule in this file', () => {
  it('adds a check directive at the top', () => {
    const text = 'FROM alpine as b\n';
    assert.equal(
      applyEdits(text, [ignoreRuleEdit(text, 'FromAsCasing')!]),
      '# check=skip=FromAsCasing\nFROM alpine as b\n',
    );
    assert.deepEqual(lintDockerfile(applyEdits(text, [ignoreRuleEdit(text, 'FromAsCasing')!])).diagnostics, []);
  });

  it("goes after existing directives (and a shebang), in the file's line endings", () => {
    const text = '#!/x\r\n# syntax=docker/dockerfile:1\r\n\r\nFROM alpine as b\r\n';
    assert.equal(
      applyEdits(text, [ignoreRuleEdit(text, 'FromAsCasing')!]),
      '#!/x\r\n# syntax=docker/dockerfile:1\r\n# check=skip=FromAsCasing\r\n\r\nFROM alpine as b\r\n',
    );
  });

  it('merges into an existing check directive', () => {
    const a = '# check=skip=A\nFROM alpine\n';
    assert.equal(applyEdits(a, [ignoreRuleEdit(a, 'B')!]), '# check=skip=A,B\nFROM alpine\n');
    const b = '# check=error=true\nFROM alpine\n';
    assert.equal(applyEdits(b, [ignoreRuleEdit(b, 'B')!]), '# check=error=true;skip=B\nFROM alpine\n');
    assert.equal(ignoreRuleEdit('# check=skip=all\n', 'B'), undefined);
    assert.equal(ignoreRuleEdit('# check=skip=B\n', 'B'), undefined);
  });

  it('turns off an experimental rule the file enabled, since skip does not apply to it', () => {
    const a = '# check=experimental=CopyIgnoredFile,InvalidDefinitionDescription\n# x\nFROM alpine AS b\n';
    assert.equal(
      applyEdits(a, [ignoreRuleEdit(a, 'InvalidDefinitionDescription')!]),
      '# check=experimental=CopyIgnoredFile\n# x\nFROM alpine AS b\n',
    );
    const b = '# check=experimental=InvalidDefinitionDescription\n# x\nFROM alpine AS b\n';
    const fixed = applyEdits(b, [ignoreRuleEdit(b, 'InvalidDefinitionDescription')!]);
    assert.equal(fixed, '# x\nFROM alpine AS b\n');
    assert.deepEqual(lintDockerfile(fixed).diagnostics, []);
  });

  it("an experimental rule turned on by a setting still obeys the file's skip", () => {
    const text = '# check=skip=InvalidDefinitionDescription\n# x\nFROM alpine AS b\n';
    assert.deepEqual(lintDockerfile(text, {}, { rules: { InvalidDefinitionDescription: 'warning' } }).diagnostics, []);
  });

  it('handles files that are empty or only directives', () => {
    assert.equal(applyEdits('', [ignoreRuleEdit('', 'A')!]), '# check=skip=A\n');
    assert.equal(applyEdits('# syntax=x', [ignoreRuleEdit('# syntax=x', 'A')!]), '# syntax=x\n# check=skip=A\n');
  });

  it('keeps a BOM first', () => {
    const text = '\uFEFFFROM alpine as b\n';
    assert.equal(
      applyEdits(text, [ignoreRuleEdit(text, 'FromAsCasing')!]),
      '\uFEFF# check=skip=FromAsCasing\nFROM alpine as b\n',
    );
  });
});

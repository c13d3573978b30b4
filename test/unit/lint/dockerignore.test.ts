import * as assert from 'node:assert/strict';
import { cleanPath, parseDockerignore } from '../../../src/core/lint/dockerignore';

describe('.dockerignore matching (engine semantics)', () => {
  const m = parseDockerignore('# comment\n*.env\n**/*.log\nbuild/\n!build/keep.txt\nsecrets\n\n');

  it('matches * within one segment at the context root only', () => {
    assert.equal(m.ignores('app.env'), true);
    assert.equal(m.ignores('config/app.env'), false);
  });

  it('matches ** across segments', () => {
    assert.equal(m.ignores('a/b/c/debug.log'), true);
    assert.equal(m.ignores('debug.log'), true);
  });

  it('excludes everything under an ignored folder, with ! re-including and the last match winning', () => {
    assert.equal(m.ignores('build/out.bin'), true);
    assert.equal(m.ignores('build/keep.txt'), false);
    assert.equal(m.ignores('secrets/key.pem'), true);
  });

  it('cleans ./, .. and backslashes before matching, and never ignores the context itself', () => {
    assert.equal(m.ignores('./app.env'), true);
    assert.equal(m.ignores('src/../app.env'), true);
    assert.equal(cleanPath('a\\b\\..\\c'), 'a/c');
    assert.equal(m.ignores('.'), false);
  });
});

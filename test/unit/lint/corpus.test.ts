import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyFixes,
  fixAll,
  ignoreRuleEdit,
  lintDockerfile,
  applyEdits,
  type LintContext,
} from '../../../src/core/lint';
import { BOM, LineIndex } from '../../../src/core/lint/text';
import { generateDockerfile } from '../../fixtures/dockerfiles/generate';

const dir = join(__dirname, '../../fixtures/dockerfiles');
const context: LintContext = { platformCount: 2, dockerignore: readFileSync(join(dir, '.dockerignore'), 'utf8') };

function corpus(): Array<[string, string]> {
  const files = readdirSync(dir)
    .filter((f) => /\.(Dockerfile|bin)$/.test(f))
    .sort();
  const out: Array<[string, string]> = files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
  out.push(['generated 10,000 lines, dense findings', generateDockerfile(10_000, 'dense')]);
  out.push(['generated 10,000 lines, typical', generateDockerfile(10_000, 'typical')]);
  // Deterministic garbage: a small LCG, so a failure reproduces.
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = [
    'FROM ',
    'as ',
    'AS ',
    'RUN ',
    'COPY --from=',
    '\\\n',
    '\n',
    '\r\n',
    '<<EOF\n',
    'EOF\n',
    '$',
    '${',
    '}',
    '"',
    "'",
    '`',
    '#',
    ' ',
    '\t',
    'x',
    '=',
    ':',
    '/',
    '[',
    ']',
    'ARG ',
    'ENV ',
    'EXPOSE ',
    '\u0000',
    '\uFEFF',
    'é',
  ];
  for (let n = 0; n < 40; n++) {
    let s = '';
    const len = Math.floor(rand() * 60);
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    out.push([`garbage #${n}`, s]);
  }
  return out;
}

function lineBreaks(text: string): { crlf: number; lf: number; cr: number } {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  return { crlf, lf: (text.match(/\n/g) ?? []).length - crlf, cr: (text.match(/\r/g) ?? []).length - crlf };
}

describe('linter properties over the corpus', () => {
  it('has at least 40 corpus files', () => {
    assert.ok(readdirSync(dir).filter((f) => /\.(Dockerfile|bin)$/.test(f)).length >= 40);
  });

  for (const [name, text] of corpus()) {
    describe(name, () => {
      it('lints without throwing and without a failing rule', () => {
        const r = lintDockerfile(text, context);
        assert.deepEqual(r.failures, []);
      });

      it('fix-all is idempotent and leaves nothing fixable', () => {
        const once = fixAll(text, context).text;
        assert.equal(fixAll(once, context).text, once);
        const left = lintDockerfile(once, context).diagnostics.filter((d) => d.fix);
        assert.deepEqual(
          left.map((d) => `${d.rule} ${d.range.start.line + 1}`),
          [],
        );
      });

      it('keeps the BOM, the line-break style and every heredoc body', () => {
        const fixed = fixAll(text, context).text;
        assert.equal(fixed.startsWith(BOM), text.startsWith(BOM));
        const before = lineBreaks(text);
        const after = lineBreaks(fixed);
        for (const k of ['crlf', 'lf', 'cr'] as const)
          if (before[k] === 0) assert.equal(after[k], 0, `no ${k} line breaks appear`);
        const { model } = lintDockerfile(text, context);
        const body = text.startsWith(BOM) ? text.slice(1) : text;
        let from = 0;
        for (const [s, e] of model.heredocSpans) {
          const at = fixed.indexOf(body.slice(s, e), from);
          assert.ok(at >= 0, `heredoc body at ${s} kept verbatim`);
          from = at;
        }
      });

      it('each fix changes only its own ranges', () => {
        const { diagnostics, model } = lintDockerfile(text, context);
        const body = text.startsWith(BOM) ? text.slice(1) : text;
        const index = new LineIndex(body);
        // Every fix on small files; an even sample of 60 on the big ones keeps this linear in practice.
        const fixable = diagnostics.filter((d) => d.fix);
        const step = Math.max(1, Math.ceil(fixable.length / 60));
        for (const d of fixable.filter((_, i) => i % step === 0)) {
          if (!d.fix) continue;
          const { text: out, applied } = applyFixes(text, [d.fix], model.heredocSpans);
          if (!applied) continue;
          // Splice the edits by hand, back to front, and compare.
          const edits = d.fix.edits
            .map((e) => ({
              s: index.offsetAt(e.range.start),
              e: index.offsetAt(e.range.end),
              t: e.newText.replace(/\r\n|\r|\n/g, index.eol),
            }))
            .sort((a, b) => b.s - a.s || b.e - a.e);
          let expected = body;
          const seen = new Set<string>();
          for (const e of edits) {
            const key = `${e.s}:${e.e}:${e.t}`;
            if (seen.has(key)) continue;
            seen.add(key);
            expected = expected.slice(0, e.s) + e.t + expected.slice(e.e);
          }
          assert.equal(out, (text.startsWith(BOM) ? BOM : '') + expected, `${d.rule} at ${d.range.start.line + 1}`);
        }
      });

      it('"Ignore <rule> in this file" silences each rule found', () => {
        const { diagnostics } = lintDockerfile(text, context);
        for (const rule of new Set(diagnostics.map((d) => d.rule))) {
          if (rule === 'MultiArch/ParserDirective' || rule === 'MultiArch/ParseError') continue;
          const edit = ignoreRuleEdit(text, rule);
          assert.ok(edit, rule);
          const after = lintDockerfile(applyEdits(text, [edit]), context).diagnostics;
          assert.deepEqual(
            after.filter((d) => d.rule === rule).map((d) => d.message),
            [],
            rule,
          );
        }
      });
    });
  }

  it('never throws on raw binary turned into text', () => {
    let seed = 7;
    for (let n = 0; n < 30; n++) {
      const bytes = Buffer.alloc(512);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff;
      const text = bytes.toString(n % 2 ? 'latin1' : 'utf8');
      assert.deepEqual(lintDockerfile(text, context).failures, []);
      fixAll(text, context);
    }
  });
});

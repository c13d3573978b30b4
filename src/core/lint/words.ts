/** Small, conservative helpers for rewriting Dockerfile words without changing what BuildKit reads. */

/** Words made only of characters no shell treats specially, so shell form and exec form mean the same. */
const PLAIN_WORD = /^[A-Za-z0-9_./:@%+,=-]+$/;

export function plainWords(text: string): string[] | undefined {
  const words = text.trim().split(/[ \t]+/);
  if (!words.length || words[0] === '') return undefined;
  return words.every((w) => PLAIN_WORD.test(w)) ? words : undefined;
}

/**
 * Rewrites a legacy `KEY value with spaces` value so that `KEY=<result>` reads back as the same value:
 * simple values are double-quoted; values that already contain quotes keep them and only their unquoted
 * blanks get escaped.
 */
export function keyValueValue(raw: string, escape: string): string {
  if (!/[ \t]/.test(unquotedPart(raw, escape))) return raw;
  if (!/["'`\\]/.test(raw) && !raw.includes(escape)) return `"${raw}"`;
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === escape && quote !== "'") {
      out += c + (raw[i + 1] ?? '');
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ' ' || c === '\t') {
      out += escape;
    }
    out += c;
  }
  return out;
}

/** The characters of `raw` outside quotes (escaped characters dropped). */
function unquotedPart(raw: string, escape: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === escape && quote !== "'") {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else out += c;
  }
  return out;
}

/** A string as a Dockerfile double-quoted word, with nothing expanded inside it. */
export function doubleQuoted(value: string, escape: string): string {
  let out = '"';
  for (const c of value) {
    if (c === '"' || c === '$' || c === escape) out += escape;
    out += c;
  }
  return out + '"';
}

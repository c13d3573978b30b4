/**
 * Expands $NAME / ${NAME} / ${NAME:-word} / ${NAME:+word} the way the Dockerfile shell lexer does for FROM,
 * with unset names expanding to ''. Returns undefined for syntax this small expander does not model.
 */
export function expandWord(word: string, vars: Map<string, string | undefined>, escape: string): string | undefined {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === escape) {
      out += word[i + 1] ?? '';
      i++;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    if (word[i + 1] === '{') {
      const close = word.indexOf('}', i + 2);
      if (close < 0) return undefined;
      const body = word.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/.exec(body);
      if (!m) return undefined;
      const value = vars.get(m[1]);
      const set = value !== undefined && (m[2]?.startsWith(':') ? value !== '' : true);
      if (!m[2]) out += value ?? '';
      else if (m[2].endsWith('-')) out += set ? value : m[3];
      else out += set ? m[3] : '';
      i = close;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.slice(i + 1));
    if (!m) {
      out += c;
      continue;
    }
    out += vars.get(m[0]) ?? '';
    i += m[0].length;
  }
  return out;
}

/** The image reference grammar of the distribution/reference package that BuildKit uses, as one regular expression. */
const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${domain}/)?${pathComponent}(?:/${pathComponent})*(?::${tag})?(?:@${digest})?$`);

export function isValidImageReference(ref: string): boolean {
  if (!ref || ref.length > 512) return false;
  const name = ref.split('@')[0].replace(/:[\w][\w.-]{0,127}$/, '');
  return name.length <= 255 && REFERENCE.test(ref);
}

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

import { parseDirectiveBlock } from './directives';
import { findRule } from './registry';
import { BOM, LineIndex } from './text';
import type { TextEdit } from './types';

/**
 * The edit that adds `rule` to the file's `# check=skip=` directive, creating the directive at the end of
 * the parser-directive block (BuildKit only reads directives before any other line). For a rule the file
 * turns on with `experimental=…`, the edit removes it from that list. Undefined when nothing would change.
 */
export function ignoreRuleEdit(text: string, rule: string): TextEdit | undefined {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const index = new LineIndex(body);
  const block = parseDirectiveBlock(index);
  const check = block.directives.find((d) => d.name === 'check');
  if (check) {
    const parts = check.value.split(';');
    // A rule the file enables with experimental=… ignores skip (BuildKit): take it out of that list instead.
    const expAt = parts.findIndex((p) => p.split('=')[0].trim() === 'experimental');
    if (expAt >= 0) {
      const [key, ...rest] = parts[expAt].split('=');
      const names = rest
        .join('=')
        .split(',')
        .map((n) => n.trim());
      // experimental=all keeps every experimental rule on whatever skip says: no single-rule edit exists.
      if (names.length === 1 && names[0] === 'all' && findRule(rule)?.meta.experimental) return undefined;
      if (names.includes(rule)) {
        const left = names.filter((n) => n !== rule);
        if (left.length) parts[expAt] = `${key}=${left.join(',')}`;
        else parts.splice(expAt, 1);
        if (parts.length) return { range: check.valueRange, newText: parts.join(';') };
        // Nothing left: drop the whole directive line.
        return {
          range: { start: { line: check.line, character: 0 }, end: { line: check.line + 1, character: 0 } },
          newText: '',
        };
      }
    }
    const skipAt = parts.findIndex((p) => p.split('=')[0].trim() === 'skip');
    if (skipAt >= 0) {
      const [key, ...rest] = parts[skipAt].split('=');
      const list = rest.join('=').trim();
      const names = list.split(',').map((n) => n.trim());
      if (list === 'all' || names.includes(rule)) return undefined;
      parts[skipAt] = `${key}=${list ? `${list},${rule}` : rule}`;
    } else {
      parts.push(`skip=${rule}`);
    }
    return { range: check.valueRange, newText: parts.join(';') };
  }
  const line = block.insertLine;
  if (line < index.lineCount - 1 || (line === index.lineCount - 1 && index.lineText(line) !== '')) {
    const at = { line, character: 0 };
    return { range: { start: at, end: at }, newText: `# check=skip=${rule}${index.eol}` };
  }
  // The file holds only directives (or is empty): append after the last line.
  const end = index.positionAt(body.length);
  const needsBreak = body.length > 0 && !/[\r\n]$/.test(body);
  return { range: { start: end, end }, newText: `${needsBreak ? index.eol : ''}# check=skip=${rule}${index.eol}` };
}

import { parseDirectiveBlock } from './directives';
import { BOM, LineIndex } from './text';
import type { TextEdit } from './types';

/**
 * The edit that adds `rule` to the file's `# check=skip=` directive, creating the directive at the end of
 * the parser-directive block (BuildKit only reads directives before any other line). Undefined when the
 * rule is already skipped.
 */
export function ignoreRuleEdit(text: string, rule: string): TextEdit | undefined {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const index = new LineIndex(body);
  const block = parseDirectiveBlock(index);
  const check = block.directives.find((d) => d.name === 'check');
  if (check) {
    const parts = check.value.split(';');
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

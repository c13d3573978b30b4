/** Text safe inside a Markdown table cell or list item: no table breaks, no inline HTML, no emphasis. */
export function md(text: string): string {
  return (
    text
      .replace(/\r?\n/g, ' ')
      .replace(/[\\`*[\]<>|#]/g, (c) => `\\${c}`)
      // An underscore inside a word (x86_64) is never emphasis in CommonMark; escape only the others.
      .replace(/(^|\W)_|_(?=\W|$)/g, (m) => m.replace('_', '\\_'))
      .trim()
  );
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Output text as inline code: one line, fenced with more backticks than it holds (code spans show `<`, `*`
 * and `_` literally); inside a table the pipes are escaped, which GFM applies even within code spans.
 */
export function code(text: string, inTable = false): string {
  const one = text.replace(/\r?\n/g, ' ').trim();
  if (!one) return '';
  const fence = '`'.repeat(Math.max(0, ...(one.match(/`+/g) ?? []).map((m) => m.length)) + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inTable ? one.replace(/\|/g, '\\|') : one}${pad}${fence}`;
}

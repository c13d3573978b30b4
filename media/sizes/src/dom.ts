// Tiny DOM builder: every piece of data goes in through textContent or setAttribute, never as markup.
export type Child = Node | string | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) {
    if (c === undefined || c === false) continue;
    node.append(typeof c === 'string' ? doc.createTextNode(c) : c);
  }
  return node;
}

export function icon(doc: Document, name: string): HTMLSpanElement {
  return el(doc, 'span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

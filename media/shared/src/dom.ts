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

/** A button with a codicon and a label; `kind` is its class (`secondary`, `primary`, `toggle on`, …). */
export function button(
  doc: Document,
  {
    label,
    codicon,
    onClick,
    kind = 'secondary',
  }: { label: string; codicon: string; onClick: () => void; kind?: string },
): HTMLButtonElement {
  const b = el(doc, 'button', { type: 'button', class: kind }, icon(doc, codicon), ` ${label}`);
  b.addEventListener('click', onClick);
  return b;
}

/** What a page's `render` draws: the state into `root`, with the handlers its controls call. */
export interface RenderInput<State, Handlers> {
  doc: Document;
  root: HTMLElement;
  state: State;
  handlers: Handlers;
}

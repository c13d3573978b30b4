/** Turns streamed chunks into whole lines (CR-LF or LF), keeping a partial last line for the next chunk. */
export class LineSplitter {
  private partial = '';

  push(text: string): string[] {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    return parts;
  }

  /** The unterminated last line, if any (the process ended without a newline). */
  flush(): string[] {
    const rest = this.partial;
    this.partial = '';
    return rest ? [rest] : [];
  }
}

/** The text of anything thrown: an Error's message, or the value itself as a string (a rejected non-Error). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

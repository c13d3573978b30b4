/** The text of anything thrown: an Error's message, or the value itself as a string (a rejected non-Error). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The failed arm of a `{ ok: true } | { ok: false; … }` result (a pull, a pre-phase step, a split job's gate). */
export type Failed<T> = Extract<T, { ok: false }>;

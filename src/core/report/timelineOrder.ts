// Step order for the Build Timeline, shared by the view model and the webview (which re-sorts on the
// toggle without asking the extension): no imports, so the webview bundle stays small.

export type StepOrder = 'slowest' | 'dockerfile';

export interface OrderedStep {
  /** Position in the build's own record. */
  position: number;
  seconds: number;
  /** 0-based Dockerfile line, when known. */
  line?: number;
}

/**
 * Dockerfile order: by line, then as the engine ran them; steps whose line is unknown come last, in the
 * engine's order. Slowest first: by seconds, ties in Dockerfile order.
 */
export function orderSteps<S extends OrderedStep>(steps: readonly S[], order: StepOrder): S[] {
  const byFile = [...steps].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || a.position - b.position);
  return order === 'dockerfile' ? byFile : byFile.sort((a, b) => b.seconds - a.seconds);
}

// Messages between the Build Timeline panel (extension host) and its webview, typed on both sides.
// Imported by the webview bundle too, so it holds types only: no vscode, no node.
import type { TimelineVariant } from '../core/report/timelineModel';
import type { StepOrder } from '../core/report/timelineOrder';

export type { StepOrder } from '../core/report/timelineOrder';
export type { TimelineCell, TimelineStep, TimelineVariant } from '../core/report/timelineModel';

export const TIMELINE_VIEW_TYPE = 'multiarch.timeline';

export interface TimelineState {
  /** Variants with a timed build, each with the latest build of each of its cells. */
  variants: TimelineVariant[];
  /** Variants of the config, so the empty state can name them. */
  configured: string[];
  /** ISO time the records were read. */
  updatedAt: string;
  /** The variant (and platform) the panel was opened on from the Variants view. */
  focus?: { variant: string; platform?: string };
  /** Why the records could not be read at all (no workspace, a corrupt results file). */
  error?: string;
}

/** What the webview keeps with vscode.setState, restored after a reload or a window restart. */
export interface PersistedState {
  state?: TimelineState;
  order?: StepOrder;
}

export type ToWebview = { type: 'state'; state: TimelineState };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'buildAll' }
  | { type: 'ordered'; order: StepOrder }
  /** Open the Dockerfile at a step: the extension looks the step up in the state it posted, by these keys. */
  | { type: 'openStep'; variant: string; platform: string; position: number };

/** Message guard for the extension side: a webview is another process, its messages are untrusted input. */
export function isFromWebview(m: unknown): m is FromWebview {
  if (typeof m !== 'object' || m === null) return false;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
    case 'refresh':
    case 'buildAll':
      return true;
    case 'ordered':
      return msg.order === 'slowest' || msg.order === 'dockerfile';
    case 'openStep':
      return typeof msg.variant === 'string' && typeof msg.platform === 'string' && Number.isInteger(msg.position);
    default:
      return false;
  }
}

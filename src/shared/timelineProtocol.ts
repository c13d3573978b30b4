// Messages between the Build Timeline panel (extension host) and its webview, typed on both sides.
// Imported by the webview bundle too, so it holds types only: no vscode, no node.
import type { TimelineVariant } from '../core/report/timelineModel';
import type { StepOrder } from '../core/report/timelineOrder';
import type { PageMessage, StateMessage } from './pageProtocol';

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
  /** The variant (and platform, and step) the panel was opened on: the Variants view, a Dockerfile line. */
  focus?: TimelineFocus;
  /** Why the records could not be read at all (no workspace, a corrupt results file). */
  error?: string;
}

export interface TimelineFocus {
  variant: string;
  platform?: string;
  /** A step's position in the cell's record (TimelineStep.position): a Dockerfile line's lens or hover. */
  position?: number;
}

/**
 * The focus a Show Build Timeline argument asks for, checked: a variant name, a Variants tree row
 * (`{variant: {name}}`, `{variant, platform}`), or a step `{variant, platform, position}` from a Dockerfile
 * line. Anything else focuses nothing.
 */
export function timelineFocusOf(arg: unknown): TimelineFocus | undefined {
  if (typeof arg === 'string') return arg ? { variant: arg } : undefined;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as Record<string, unknown>;
  const v = a.variant;
  const variant =
    typeof v === 'string'
      ? v
      : typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string'
        ? (v as { name: string }).name
        : undefined;
  if (!variant) return undefined;
  const platform = typeof a.platform === 'string' ? a.platform : undefined;
  const position =
    platform && Number.isInteger(a.position) && (a.position as number) >= 0 ? (a.position as number) : undefined;
  return { variant, ...(platform ? { platform } : {}), ...(position !== undefined ? { position } : {}) };
}

/** What the webview keeps with vscode.setState, restored after a reload or a window restart. */
export interface PersistedState {
  state?: TimelineState;
  order?: StepOrder;
}

export type ToWebview = StateMessage<TimelineState>;

export type FromWebview =
  | PageMessage
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

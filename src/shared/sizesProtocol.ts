// Messages between the Image Sizes panel (extension host) and its webview, typed on both sides.
// Imported by the webview bundle too, so it holds types only: no vscode, no node.
import type { ArchComparison } from '../core/explain/explainSizes';
import type { SizeRow } from '../core/sizes/types';
import type { VerifyStatus } from '../core/verify/types';
import type { PageMessage, StateMessage } from './pageProtocol';

export const SIZES_VIEW_TYPE = 'multiarch.sizes';

export interface CellVerification {
  status: VerifyStatus;
  expected: string[];
  actual?: string;
  reason?: string;
  /** Each check with its first output line; absent in a state a previous version persisted. */
  checks?: CheckView[];
}

export interface CheckView {
  name: string;
  status: 'pass' | 'fail';
  line: string;
  reason?: string;
}

export type SizesRowView = SizeRow & { verify?: CellVerification };

export interface SizesState {
  rows: SizesRowView[];
  /** Variants of the config, so the empty state and the chart can name unbuilt ones. */
  variants: string[];
  /** ISO time the rows were read. */
  updatedAt: string;
  /** Variant to scroll to and highlight (opened from a variant's context menu). */
  focusVariant?: string;
  /** Why the sizes could not be read at all (no workspace, unreadable results). */
  error?: string;
  loading?: boolean;
  /** "Compare architectures" for one variant: why its platforms differ in size. */
  comparison?: ComparisonView;
}

export interface ComparisonView {
  variant: string;
  result?: ArchComparison;
  error?: string;
  loading?: boolean;
}

export type SortKey = 'variant' | 'platform' | 'compressed' | 'uncompressed' | 'layers' | 'delta';
export interface SortOrder {
  key: SortKey;
  descending: boolean;
}

/** What the webview keeps with vscode.setState, restored after a reload or a window restart. */
export interface PersistedState {
  state?: SizesState;
  sort?: SortOrder;
}

export type ToWebview = StateMessage<SizesState>;

export type FromWebview =
  | PageMessage
  | { type: 'buildAll' }
  | { type: 'verify' }
  | { type: 'exportReport' }
  | { type: 'sorted'; sort: SortOrder }
  | { type: 'compare'; variant: string };

/** Message guard for the extension side: a webview is another process, its messages are untrusted input. */
export function isFromWebview(m: unknown): m is FromWebview {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'sorted') {
    const s = (m as { sort?: Partial<SortOrder> }).sort;
    return typeof s === 'object' && s !== null && typeof s.key === 'string' && typeof s.descending === 'boolean';
  }
  if (t === 'compare') return typeof (m as { variant?: unknown }).variant === 'string';
  return t === 'ready' || t === 'refresh' || t === 'buildAll' || t === 'verify' || t === 'exportReport';
}

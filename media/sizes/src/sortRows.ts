import type { SizesRowView, SortKey, SortOrder } from '../../../src/shared/sizesProtocol';

const value = (r: SizesRowView, key: SortKey): string | number | undefined => {
  switch (key) {
    case 'variant':
    case 'platform':
      return r[key];
    case 'delta':
      return r.delta?.compressed ?? r.delta?.uncompressed;
    default:
      return r[key];
  }
};

/** Stable sort; rows without a figure go last whichever the direction, so "not measured" never tops a list. */
export function sortRows(rows: SizesRowView[], sort: SortOrder): SizesRowView[] {
  const dir = sort.descending ? -1 : 1;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const va = value(a.r, sort.key);
      const vb = value(b.r, sort.key);
      if (va === undefined || vb === undefined) return va === vb ? a.i - b.i : va === undefined ? 1 : -1;
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return c !== 0
        ? c * dir
        : a.r.variant.localeCompare(b.r.variant) || a.r.platform.localeCompare(b.r.platform) || a.i - b.i;
    })
    .map(({ r }) => r);
}

export const DEFAULT_SORT: SortOrder = { key: 'variant', descending: false };

/** "Did you mean" for variable names: a case-insensitive exact match first, else the closest name within a small edit distance. */
export function suggestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDist = Infinity;
  const limit = Math.min(2, Math.max(1, Math.ceil(name.length / 3)));
  for (const c of candidates) {
    if (c === name) continue;
    if (c.toLowerCase() === lower) return c;
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = levenshtein(lower, c.toLowerCase(), limit);
    if (d <= limit && d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** Edit distance with an early exit once every cell of a row exceeds `max`. */
export function levenshtein(a: string, b: string, max = Infinity): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return rowMin;
    prev = cur;
  }
  return prev[b.length];
}

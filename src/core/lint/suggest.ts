/**
 * "Did you mean" as BuildKit computes it: the first candidate at the smallest Levenshtein distance
 * below 3, compared case-sensitively (BuildKit's choice on Linux). An exact match suggests nothing.
 */
export function suggestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const c of candidates) {
    if (c === name) return undefined;
    if (Math.abs(c.length - name.length) >= bestDist) continue;
    const d = levenshtein(name, c, bestDist);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** Edit distance with an early exit once every cell of a row reaches `max`. */
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
    if (rowMin >= max) return rowMin;
    prev = cur;
  }
  return prev[b.length];
}

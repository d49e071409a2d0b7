/**
 * "Did you mean" support: the nearest candidates to a misspelt name.
 *
 * Distance is an optimal-string-alignment edit distance on lower-cased text, so that case slips cost
 * nothing and a swapped pair of letters costs one. Candidates that contain the input (or are contained
 * in it) also qualify, which catches `View` -> `ProjectView` style partial names.
 */

/** Edit distance with adjacent transpositions, abandoning early once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}

/**
 * The closest candidates to `input`, best first, at most `max` of them. Returns nothing when no candidate
 * is plausibly what was meant.
 */
export function nearest(input: string, candidates: Iterable<string>, max = 3): string[] {
  const needle = input.toLowerCase().trim();
  if (needle.length === 0) return [];
  const limit = Math.max(1, Math.min(4, Math.floor(needle.length / 3)));
  const scored: { name: string; score: number }[] = [];
  const seen = new Set<string>();
  for (const name of candidates) {
    if (seen.has(name)) continue;
    seen.add(name);
    const hay = name.toLowerCase();
    let score: number;
    if (hay === needle) score = 0;
    else {
      const d = editDistance(needle, hay, limit);
      if (d <= limit) score = d;
      else if (needle.length >= 4 && (hay.includes(needle) || needle.includes(hay))) score = limit + 0.5;
      else continue;
    }
    scored.push({ name, score });
  }
  scored.sort((x, y) => x.score - y.score || x.name.length - y.name.length || x.name.localeCompare(y.name));
  // A much closer candidate makes the far ones noise: keep only those within one edit of the best.
  const best = scored.length ? scored[0].score : 0;
  return scored.filter((s) => s.score <= best + 1).slice(0, max).map((s) => s.name);
}

/** "`A`", "`A` or `B`", "`A`, `B` or `C`". */
export function orList(names: readonly string[]): string {
  const q = names.map((n) => `\`${n}\``);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

/** "`A`", "`A` and `B`", "`A`, `B` and `C`". */
export function andList(names: readonly string[]): string {
  const q = names.map((n) => `\`${n}\``);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

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

const BUCKETS = 64;

/** The histogram slot of a lower-cased character: letters and digits each get their own. */
function slot(code: number): number {
  if (code >= 97 && code <= 122) return code - 97; // a-z
  if (code >= 48 && code <= 57) return 26 + code - 48; // 0-9
  if (code === 32) return 36;
  if (code === 45) return 37; // -
  if (code === 95) return 38; // _
  return 39 + (code % 25);
}

/**
 * A character histogram of lower-cased text. Half the L1 distance of two histograms never exceeds their
 * edit distance, so it rules most candidates out without the full DP (numbered names especially).
 */
function histogram(text: string): Uint16Array {
  const h = new Uint16Array(BUCKETS);
  for (let i = 0; i < text.length; i++) {
    const b = slot(text.charCodeAt(i));
    h[b]++;
  }
  return h;
}

/**
 * Half the L1 distance of two histograms, from the characters they share: only the needle's slots are
 * visited. `aLen` and `bLen` are the texts' lengths; the candidate's histogram starts at `bAt` in `hists`.
 */
function histogramBound(aSlots: readonly number[], a: Uint16Array, aLen: number, hists: Uint8Array, bAt: number, bLen: number): number {
  let common = 0;
  for (const slot of aSlots) common += Math.min(a[slot], hists[bAt + slot]);
  return (aLen + bLen - 2 * common) / 2;
}

/**
 * The candidates' histograms in one array, BUCKETS bytes each: one typed array per name cost about 300
 * bytes (its object, its buffer and the buffer's store), and a workspace's name sets reach tens of
 * thousands of names. A count stops at 255, which only a name longer than 255 characters reaches; such
 * names are never ruled out by their histogram (`nearest`).
 */
function histograms(names: readonly string[]): Uint8Array {
  const all = new Uint8Array(names.length * BUCKETS);
  names.forEach((name, i) => {
    const at = i * BUCKETS;
    for (let c = 0; c < name.length; c++) {
      const b = at + slot(name.charCodeAt(c));
      if (all[b] < 255) all[b]++;
    }
  });
  return all;
}

/** Names longer than this may have a histogram count that stopped at 255. */
const EXACT_HISTOGRAM_MAX = 255;

/**
 * A prepared set of candidate names, for asking "did you mean" many times: a workspace with thousands
 * of roles asks once per unknown reference.
 */
export class Suggester {
  private readonly names: string[];
  private readonly lower: string[];
  private readonly hists: Uint8Array;
  private readonly exact = new Map<string, string>();

  constructor(candidates: Iterable<string>) {
    this.names = [...new Set(candidates)];
    this.lower = this.names.map((n) => n.toLowerCase());
    this.hists = histograms(this.lower);
    this.names.forEach((n, i) => {
      if (!this.exact.has(this.lower[i])) this.exact.set(this.lower[i], n);
    });
  }

  /** The closest candidates to `input`, best first, at most `max`; none when nothing is plausible. */
  nearest(input: string, max = 3): string[] {
    const needle = input.toLowerCase().trim();
    // Nobody mistypes a name of hundreds of characters; such input gets no suggestions.
    if (needle.length === 0 || needle.length > 300) return [];
    const exact = this.exact.get(needle);
    if (exact !== undefined) return [exact];
    const hist = histogram(needle);
    const slots: number[] = [];
    hist.forEach((count, slot) => {
      if (count > 0) slots.push(slot);
    });
    const maxLimit = Math.max(1, Math.min(4, Math.floor(needle.length / 3)));
    const scores = new Map<number, number>();
    // Only candidates within one edit of the best are kept, so a first pass for one-edit slips
    // tightens the limit of the full pass; both passes skip candidates by length and histogram.
    const scan = (limit: number) => {
      for (let i = 0; i < this.names.length; i++) {
        if (scores.has(i)) continue;
        const hay = this.lower[i];
        if (Math.abs(hay.length - needle.length) > limit) continue;
        if (hay.length <= EXACT_HISTOGRAM_MAX && histogramBound(slots, hist, needle.length, this.hists, i * BUCKETS, hay.length) > limit) continue;
        const d = editDistance(needle, hay, limit);
        if (d <= limit) scores.set(i, d);
      }
    };
    scan(1);
    const best = scores.size ? Math.min(...scores.values()) : Infinity;
    const limit = Math.min(maxLimit, best + 1);
    if (limit > 1) scan(limit);
    if (limit === maxLimit && needle.length >= 4) {
      // Partial names: `Viewer` for `Project Viewer`.
      this.lower.forEach((hay, i) => {
        if (!scores.has(i) && (hay.includes(needle) || needle.includes(hay))) scores.set(i, maxLimit + 0.5);
      });
    }
    const scored = [...scores].map(([i, score]) => ({ name: this.names[i], score }));
    scored.sort((x, y) => x.score - y.score || x.name.length - y.name.length || x.name.localeCompare(y.name));
    // A much closer candidate makes the far ones noise: keep only those within one edit of the best.
    const top = scored.length ? scored[0].score : 0;
    return scored.filter((s) => s.score <= top + 1).slice(0, max).map((s) => s.name);
  }
}

/**
 * The closest candidates to `input`, best first, at most `max` of them. Returns nothing when no candidate
 * is plausibly what was meant.
 */
export function nearest(input: string, candidates: Iterable<string>, max = 3): string[] {
  return new Suggester(candidates).nearest(input, max);
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

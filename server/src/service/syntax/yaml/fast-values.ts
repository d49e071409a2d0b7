/**
 * The fast YAML path's nodes and values (see fast.ts): scalars, quoted scalars and single-line flow
 * sequences, read from one line of text into nodes the `yaml` library's type guards recognise.
 */

export type Range = [number, number, number];

/**
 * The nodes the fast path builds: what `yaml`'s type guards (`isScalar`, `isMap`, `isSeq`, `isPair`)
 * recognise, with the fields the reader reads (`value`, `items`, `key`, `range`, `flow`) and nothing
 * else. Constructing `yaml`'s own node classes (one `Object.defineProperty` each) cost about a tenth of
 * the fast path; these carry the guards' mark on their prototypes instead. They have none of the
 * classes' methods, and only the reader (parse.ts) ever sees them.
 */
export class Scalar {
  constructor(
    readonly value: string | boolean | null,
    readonly range: Range,
  ) {}
}
export class YAMLMap {
  readonly items: Pair[] = [];
  readonly flow = false;
  constructor(readonly range: Range) {}
}
export class YAMLSeq {
  readonly items: (Scalar | YAMLMap | YAMLSeq)[] = [];
  constructor(
    readonly range: Range,
    readonly flow: boolean,
  ) {}
}
export class Pair {
  constructor(
    readonly key: Scalar,
    readonly value: Scalar | YAMLMap | YAMLSeq,
  ) {}
}
const NODE_TYPE = Symbol.for('yaml.node.type');
for (const [cls, mark] of [
  [Scalar, 'yaml.scalar'],
  [YAMLMap, 'yaml.map'],
  [YAMLSeq, 'yaml.seq'],
  [Pair, 'yaml.pair'],
] as const) {
  Object.defineProperty(cls.prototype, NODE_TYPE, { value: Symbol.for(mark) });
}

/** One line of the text. */
export interface Line {
  /** Offset of its first character, of its content (after the indentation), and of its end (before `\r\n` or `\n`). */
  start: number;
  content: number;
  end: number;
  /** Offset after its line break (the text's length for the last line). */
  next: number;
}

export const CODE = {
  space: 32,
  hash: 35,
  colon: 58,
  dash: 45,
  comma: 44,
  open: 91,
  close: 93,
  dquote: 34,
  squote: 39,
} as const;

/** A value's first character that the fast path does not read as plain text (YAML indicators, digits). */
const NOT_PLAIN_START = new Set('-?:,[]{}#&*!|>\'"%@`+.0123456789~'.split('').map((c) => c.charCodeAt(0)));

export const NULLS = new Set(['null', 'Null', 'NULL', '~']);
export const BOOLS = new Map([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);

/** Thrown (one instance, no stack built) the moment the text leaves the fast path's style. */
export class Bail extends Error {}
export const BAIL = new Bail();

/** A value that fills the rest of the line from `at`: a scalar or a flow sequence, then only a comment. */
export function readValue(t: string, line: Line, at: number): Scalar | YAMLSeq {
  const c = t.charCodeAt(at);
  let node: Scalar | YAMLSeq;
  let after: number;
  if (c === CODE.open) {
    const seq = new YAMLSeq([at, at, at], true);
    after = flowItems(t, line, at + 1, seq);
    seq.range[1] = after;
    node = seq;
  } else if (c === CODE.dquote || c === CODE.squote) {
    const s = quoted(t, line, at);
    node = s;
    after = s.range[1];
  } else {
    const end = plainEnd(t, line, at, false);
    node = plain(t, at, end);
    after = end;
  }
  // Only spaces and a comment may follow.
  let p = after;
  while (p < line.end && t.charCodeAt(p) === CODE.space) p++;
  if (p < line.end && (t.charCodeAt(p) !== CODE.hash || p === after)) throw BAIL;
  node.range[2] = line.next;
  return node;
}

/** Reads `a, "b"]` into `seq`; the offset after `]`. Single-line flow sequences of scalars only. */
function flowItems(t: string, line: Line, from: number, seq: YAMLSeq): number {
  let p = from;
  for (;;) {
    while (p < line.end && t.charCodeAt(p) === CODE.space) p++;
    if (p >= line.end) throw BAIL;
    const c = t.charCodeAt(p);
    if (c === CODE.close) {
      if (seq.items.length > 0) throw BAIL; // a trailing comma
      return p + 1;
    }
    let item: Scalar;
    if (c === CODE.dquote || c === CODE.squote) {
      item = quoted(t, line, p);
      p = item.range[1];
    } else {
      const end = plainEnd(t, line, p, true);
      item = plain(t, p, end);
      p = end;
    }
    seq.items.push(item);
    while (p < line.end && t.charCodeAt(p) === CODE.space) p++;
    if (p >= line.end) throw BAIL;
    const d = t.charCodeAt(p);
    if (d === CODE.close) return p + 1;
    if (d !== CODE.comma) throw BAIL;
    p++;
    while (p < line.end && t.charCodeAt(p) === CODE.space) p++;
    if (p < line.end && t.charCodeAt(p) === CODE.close) throw BAIL;
  }
}

/** The end of a plain scalar starting at `at` (trailing spaces excluded). */
function plainEnd(t: string, line: Line, at: number, flow: boolean): number {
  if (at >= line.end || NOT_PLAIN_START.has(t.charCodeAt(at))) throw BAIL;
  let p = at;
  let end = at;
  while (p < line.end) {
    const c = t.charCodeAt(p);
    if (c === CODE.space) {
      p++;
      continue;
    }
    if (c === CODE.hash && t.charCodeAt(p - 1) === CODE.space) break;
    if (c === CODE.colon && (p + 1 === line.end || t.charCodeAt(p + 1) === CODE.space || (flow && (t.charCodeAt(p + 1) === CODE.comma || t.charCodeAt(p + 1) === CODE.close)))) throw BAIL;
    if (flow && (c === CODE.comma || c === CODE.close)) break;
    if (flow && (c === CODE.open || c === 123 || c === 125)) throw BAIL;
    p++;
    end = p;
  }
  if (flow && p >= line.end) throw BAIL;
  return end;
}

function plain(t: string, start: number, end: number): Scalar {
  const source = t.slice(start, end);
  let value: string | boolean | null = source;
  if (NULLS.has(source)) value = null;
  else {
    const b = BOOLS.get(source);
    if (b !== undefined) value = b;
  }
  return new Scalar(value, [start, end, end]);
}

/** A quoted scalar without escapes that closes on its line. */
function quoted(t: string, line: Line, at: number): Scalar {
  const q = t.charCodeAt(at);
  let p = at + 1;
  let value = '';
  let from = p;
  for (;;) {
    const close = t.indexOf(q === CODE.dquote ? '"' : "'", p);
    if (close < 0 || close >= line.end) throw BAIL;
    if (q === CODE.squote && t.charCodeAt(close + 1) === CODE.squote) {
      value += t.slice(from, close + 1);
      p = close + 2;
      from = p;
      continue;
    }
    value += t.slice(from, close);
    p = close + 1;
    break;
  }
  if (q === CODE.dquote && value.includes('\\')) throw BAIL;
  return new Scalar(value, [at, p, p]);
}

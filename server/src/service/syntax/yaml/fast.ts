/**
 * A fast path for the YAML reader: the plain block style that role, team and space files are almost
 * always written in, read straight from the text into the same `yaml` nodes (values and ranges) that
 * `parseAllDocuments` would build, or `undefined` the moment the text steps outside that style, so that
 * the full parser reads it instead.
 *
 * Why: the full parser builds a token stream, a concrete syntax tree and then the document tree, and
 * costs about 120 µs for a 400-byte file; this reader makes one pass over the lines. It accepts only text
 * the full parser reads without an error or a warning:
 * - block mappings whose keys are plain identifiers (`name:`, `spacePermissions:`), block sequences
 *   (`- item`, also at the indentation of their key), a sequence item that opens a mapping (`- role: X`);
 * - single-line values: plain scalars that are text, `true`/`false`, `null`/`~` or empty; quoted scalars
 *   without escapes; single-line flow sequences of such scalars (`[A, "B"]`);
 * - comment lines, blank lines, `#` comments after a value, `---` between documents, CRLF line ends.
 * Anything else (tabs, anchors, aliases, tags, block scalars, flow mappings, numbers, multi-line scalars,
 * escapes, directives, `...`, a value after `---`, odd indentation, merge keys, quoted keys) ends the fast
 * path. `test/unit/yaml-fast.test.ts` compares both readers over generated and mutated files.
 *
 * The ranges follow the `yaml` library's rules, which decide where a collection ends when comment lines
 * follow its last item: a comment indented deeper than the innermost collection, with nothing but blank
 * lines before it, extends the last value; other comment lines wait in a group that the collections being
 * closed hand outward, and the first of them (other than one at indentation 0) with a comment at or past
 * its own indentation keeps the group, ending its range where the next token starts.
 */
import type { Node } from 'yaml';
import { BAIL, BOOLS, CODE, NULLS, Pair, readValue, Scalar, YAMLMap, YAMLSeq, type Line, type Range } from './fast-values';

/** An open block collection. */
interface Frame {
  readonly node: YAMLMap | YAMLSeq;
  readonly indent: number;
  /** A mapping's key whose value has not been read (`key:` at the end of its line). */
  pending?: { key: Scalar; at: number; end: number };
  /** The range of the last value read into this collection. */
  lastRange?: Range;
}

/** Characters the fast path leaves to the full parser wherever they occur. */
// eslint-disable-next-line no-control-regex
const UNUSUAL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f\u0085\u2028\u2029\ufeff]|\r(?!\n)/;

type FastNode = Scalar | YAMLMap | YAMLSeq;

/** The roots of the text's documents (null for an empty one), or undefined when the full parser must read it. */
export function fastDocuments(text: string): (Node | null)[] | undefined {
  if (UNUSUAL.test(text)) return undefined;
  try {
    return new FastReader(text).documents() as unknown as (Node | null)[];
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  }
}

class FastReader {
  private readonly lines: Line[] = [];
  private i = 0;

  constructor(private readonly text: string) {
    let start = 0;
    const n = text.length;
    while (start < n) {
      let nl = text.indexOf('\n', start);
      const next = nl < 0 ? n : nl + 1;
      if (nl < 0) nl = n;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      let content = start;
      while (content < end && text.charCodeAt(content) === CODE.space) content++;
      this.lines.push({ start, content, end, next });
      start = next;
    }
  }

  documents(): (FastNode | null)[] {
    const docs: (FastNode | null)[] = [];
    // Content before the first `---` makes a document; each `---` starts one, even an empty one.
    let first = true;
    while (this.i < this.lines.length || first) {
      const explicit = this.i < this.lines.length && this.isDocStart(this.lines[this.i]);
      if (explicit) this.i++;
      const root = this.document();
      if (explicit || root) docs.push(root);
      first = false;
    }
    return docs;
  }

  private isDocStart(line: Line): boolean {
    const t = this.text;
    if (line.content !== line.start || line.end - line.start < 3 || !t.startsWith('---', line.start)) return false;
    let at = line.start + 3;
    if (at === line.end) return true;
    if (t.charCodeAt(at) !== CODE.space) return false;
    while (at < line.end && t.charCodeAt(at) === CODE.space) at++;
    // `--- value` puts a node on the marker's line: left to the full parser.
    if (at < line.end && t.charCodeAt(at) !== CODE.hash) throw BAIL;
    return true;
  }

  private isBlank(line: Line): boolean {
    return line.content === line.end;
  }

  private isComment(line: Line): boolean {
    return line.content < line.end && this.text.charCodeAt(line.content) === CODE.hash;
  }

  /** Reads one document's lines up to the next `---` or the end; its root, or null when it has none. */
  private document(): FastNode | null {
    const stack: Frame[] = [];
    let root: FastNode | null = null;
    /** The range of the value that ended the last content line (a scalar or flow sequence), if one did. */
    let leaf: Range | undefined;
    const t = this.text;
    for (;;) {
      // The gap: blank and comment lines up to the next content line, `---` or the end.
      const gapStart = this.i;
      while (this.i < this.lines.length && (this.isBlank(this.lines[this.i]) || this.isComment(this.lines[this.i]))) this.i++;
      const atEnd = this.i >= this.lines.length || this.isDocStart(this.lines[this.i]);
      const line = atEnd ? undefined : this.lines[this.i];
      if (line && line.content === line.start) {
        const c = t.charCodeAt(line.start);
        // `...` ends a document and `%` starts a directive: left to the full parser.
        if ((c === 46 && t.startsWith('...', line.start)) || c === 37) throw BAIL;
      }
      if (stack.length === 0) {
        if (!line) return root;
        if (root || line.content !== line.start) throw BAIL;
        stack.push(this.open(line, line.content));
        this.i++;
        leaf = this.readItem(stack, line, line.content);
        continue;
      }
      const closeAt = line ? line.content : this.i < this.lines.length ? this.lines[this.i].start : t.length;
      const k = line ? line.content - line.start : -1;
      const top = stack[stack.length - 1];
      const opensValue = !!line && !!top.pending && (k > top.indent || (k === top.indent && this.isSeqItem(line)));

      const group = this.gapGroup(top, leaf, gapStart, opensValue);
      const closed = this.closeFor(stack, line, top, opensValue, group, closeAt);
      if (closed) root = closed;
      if (!line) return root;
      if (stack.length === 0) throw BAIL;

      // Read the line into the innermost open collection.
      this.i++;
      const inner = stack[stack.length - 1];
      if (inner.pending) {
        // The pending key's value starts on this line: a nested collection.
        const value = this.open(line, line.content);
        (inner.node as YAMLMap).items.push(new Pair(inner.pending.key, value.node));
        inner.pending = undefined;
        stack.push(value);
      }
      leaf = this.readItem(stack, line, line.content);
    }
  }

  /**
   * What the gap before the next line does to the ranges (see the file comment): comment lines indented
   * under the last value extend it; returns the deepest indentation of a comment in the group waiting for
   * the collections being closed, or -1.
   */
  private gapGroup(top: Frame, leaf: Range | undefined, gapStart: number, opensValue: boolean): number {
    let group = -1;
    if (top.pending) {
      // Lines between `key:` and a value below belong to the pair; before a null value they are left to the full parser.
      if (this.i > gapStart && !opensValue) throw BAIL;
    } else if (leaf) {
      let onlyBlank = true;
      for (let g = gapStart; g < this.i; g++) {
        const gl = this.lines[g];
        if (!this.isComment(gl)) continue;
        const c = gl.content - gl.start;
        if (c > top.indent && onlyBlank) {
          leaf[2] = gl.next;
        } else {
          onlyBlank = false;
          if (c > group) group = c;
        }
      }
    }
    return group;
  }

  /**
   * Closes the collections that `line` (or the end, when it is undefined) closes, innermost first; returns
   * the root when the outermost one closes.
   */
  private closeFor(stack: Frame[], line: Line | undefined, top: Frame, opensValue: boolean, group: number, closeAt: number): FastNode | undefined {
    const k = line ? line.content - line.start : -1;
    let root: FastNode | undefined;
    while (stack.length > 0) {
      const f = stack[stack.length - 1];
      if (line) {
        if (f.node instanceof YAMLMap) {
          if (f === top && opensValue) break;
          if (f.pending) this.settleNull(f);
          if (k > f.indent) throw BAIL;
          if (k === f.indent) break;
        } else {
          if (k > f.indent) throw BAIL;
          if (k === f.indent && this.isSeqItem(line)) break;
        }
      }
      stack.pop();
      this.close(f);
      if (group >= 0 && f.indent > 0 && group >= f.indent) {
        // The group stays with this collection: its range runs to where the next token starts.
        f.node.range[2] = closeAt;
        group = -1;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.lastRange = f.node.range as Range;
      else root = f.node;
    }
    return root;
  }

  private isSeqItem(line: Line): boolean {
    const t = this.text;
    return t.charCodeAt(line.content) === CODE.dash && (line.content + 1 === line.end || t.charCodeAt(line.content + 1) === CODE.space);
  }

  /** Opens the collection whose first item starts at `at` on `line`. */
  private open(line: Line, at: number): Frame {
    const t = this.text;
    const indent = at - line.start;
    if (t.charCodeAt(at) === CODE.dash && (at + 1 === line.end || t.charCodeAt(at + 1) === CODE.space)) {
      return { node: new YAMLSeq([at, at, at], false), indent };
    }
    return { node: new YAMLMap([at, at, at]), indent };
  }

  /** A pending key has no value: it gets a null scalar where the value would start. */
  private settleNull(frame: Frame): void {
    const { key, at, end } = frame.pending!;
    const value = new Scalar(null, [at, at, end]);
    (frame.node as YAMLMap).items.push(new Pair(key, value));
    frame.pending = undefined;
    frame.lastRange = value.range as Range;
  }

  /** Ends a collection: its range runs to the end of its last value. */
  private close(frame: Frame): void {
    const node = frame.node;
    if (frame.pending) this.settleNull(frame);
    const last = frame.lastRange!;
    node.range[1] = last[2];
    node.range[2] = last[2];
  }

  /**
   * Reads the item that starts at `at` into the innermost collection (`- x` into a sequence, `key: x` into
   * a mapping), opening a mapping for `- key: x`; the range of the value that ends the line, if one does.
   */
  private readItem(stack: Frame[], line: Line, at: number): Range | undefined {
    const t = this.text;
    const frame = stack[stack.length - 1];
    if (frame.node instanceof YAMLSeq) {
      if (at - line.start !== frame.indent || !this.isSeqItem(line) || at !== line.content) throw BAIL;
      let v = at + 1;
      while (v < line.end && t.charCodeAt(v) === CODE.space) v++;
      if (v === line.end || t.charCodeAt(v) === CODE.hash) throw BAIL;
      if (t.charCodeAt(v) === CODE.dash && (v + 1 === line.end || t.charCodeAt(v + 1) === CODE.space)) throw BAIL;
      if (this.keyEnd(line, v) > 0) {
        const map = this.open(line, v);
        frame.node.items.push(map.node);
        stack.push(map);
        return this.readPair(map, line, v);
      }
      const value = readValue(this.text, line, v);
      frame.node.items.push(value);
      frame.lastRange = value.range as Range;
      return frame.lastRange;
    }
    if (at - line.start !== frame.indent) throw BAIL;
    return this.readPair(frame, line, at);
  }

  /** The offset of the `:` after a plain identifier key at `at`, or -1. */
  private keyEnd(line: Line, at: number): number {
    const t = this.text;
    let p = at;
    const c0 = t.charCodeAt(p);
    if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95)) return -1;
    p++;
    while (p < line.end) {
      const c = t.charCodeAt(p);
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95) p++;
      else break;
    }
    if (p >= line.end || t.charCodeAt(p) !== CODE.colon) return -1;
    if (p + 1 < line.end && t.charCodeAt(p + 1) !== CODE.space) return -1;
    return p;
  }

  /** Reads `key: value` at `at` into a mapping. */
  private readPair(frame: Frame, line: Line, at: number): Range | undefined {
    const t = this.text;
    const colon = this.keyEnd(line, at);
    if (colon < 0 || colon - at > 1000) throw BAIL;
    const name = t.slice(at, colon);
    if (NULLS.has(name) || BOOLS.has(name)) throw BAIL;
    const key = new Scalar(name, [at, colon, colon]);
    let v = colon + 1;
    while (v < line.end && t.charCodeAt(v) === CODE.space) v++;
    if (v === line.end || t.charCodeAt(v) === CODE.hash) {
      // `key:` with the value on the lines below, or none.
      frame.pending = { key, at: v, end: v === line.end ? v : line.next };
      return undefined;
    }
    const value = readValue(this.text, line, v);
    (frame.node as YAMLMap).items.push(new Pair(key, value));
    frame.lastRange = value.range as Range;
    return frame.lastRange;
  }
}

/** Offsets to LSP-style positions (zero-based line, UTF-16 character) and back. */

/** A stretch of a file's text: UTF-16 code unit offsets, `end` exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/**
 * A text's lines in a compact form (`lineCodes`), which is all a line map needs: one character per line.
 */
export interface LineCodes {
  readonly codes: string;
}

/** The most a line's code can be: a string's characters are 16-bit. */
const MAX_CODE = 0xffff;

/**
 * A text's lines as one character each, for a line map without the text (`new LineMap({ codes })`): the
 * line's length without its line break, times three, plus 0 for `\n`, 1 for `\r\n`, 2 for a lone `\r` (the
 * last line has none). Undefined when a line is longer than a code can say (21,844 characters). Lines
 * shorter than 85 characters make codes below 256, which V8 keeps one byte each.
 */
export function lineCodes(text: string): string | undefined {
  const codes: number[] = [];
  let start = 0;
  if (text.indexOf('\r') < 0) {
    // Most files: `\n` only, found by `indexOf`.
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      codes.push((nl - start) * 3);
      start = nl + 1;
    }
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 13 && c !== 10) continue;
      const kind = c === 10 ? 0 : text.charCodeAt(i + 1) === 10 ? 1 : 2;
      codes.push((i - start) * 3 + kind);
      if (kind === 1) i++;
      start = i + 1;
    }
  }
  codes.push((text.length - start) * 3);
  for (const code of codes) if (code > MAX_CODE) return undefined;
  if (codes.length <= 8192) return String.fromCharCode.apply(null, codes);
  // In slices: `apply` takes a bounded number of arguments. The joined slices are flattened at once, so
  // that no rope of pieces is kept.
  let out = '';
  for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode.apply(null, codes.slice(i, i + 8192));
  out.charCodeAt(0);
  return out;
}

/**
 * The line starts of a text. `\n`, `\r\n` and a lone `\r` each end a line, as in LSP. Made from the text, or
 * from its `lineCodes`; it keeps neither.
 */
export class LineMap {
  private readonly starts: number[];
  /** Where each line ends, before its line break: only when some line ends with `\r\n` (else one before the next start). */
  private readonly ends: number[] | undefined;
  /** The text's length. */
  readonly length: number;

  constructor(text: string | LineCodes) {
    const starts = [0];
    let ends: number[] | undefined;
    if (typeof text === 'string' && text.indexOf('\r') < 0) {
      // Most files: `\n` only, found by `indexOf` (a scan a character at a time took most of converting the
      // related places of policy breaches, in thousands of team files, to positions).
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
      this.length = text.length;
    } else if (typeof text === 'string') {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 13 /* \r */) {
          if (text.charCodeAt(i + 1) === 10) {
            ends ??= starts.slice(1).map((s) => s - 1);
            ends.push(i);
            i++;
          } else ends?.push(i);
          starts.push(i + 1);
        } else if (c === 10 /* \n */) {
          ends?.push(i);
          starts.push(i + 1);
        }
      }
      this.length = text.length;
    } else {
      const codes = text.codes;
      let start = 0;
      for (let i = 0; i < codes.length; i++) {
        const code = codes.charCodeAt(i);
        const end = start + Math.floor(code / 3);
        if (i === codes.length - 1) {
          start = end;
          break;
        }
        const kind = code % 3;
        if (kind === 1) ends ??= starts.slice(1).map((s) => s - 1);
        ends?.push(end);
        start = end + (kind === 1 ? 2 : 1);
        starts.push(start);
      }
      this.length = start;
    }
    this.starts = starts;
    this.ends = ends;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The zero-based line that holds `offset`. */
  lineAt(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.length));
    const line = this.lineAt(o);
    return { line, character: o - this.starts[line] };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.length;
    const start = this.starts[position.line];
    const end = this.lineEnd(position.line);
    return Math.min(start + Math.max(0, position.character), end);
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** The offset just before the line break that ends `line` (or the text's end). */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.length;
    return this.ends ? this.ends[line] : this.starts[line + 1] - 1;
  }

  rangeOf(span: { start: number; end: number }): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }
}

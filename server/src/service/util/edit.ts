/**
 * Text edits, as quick fixes and renames produce them: offsets into the file's current text, applied
 * by the client (or by `octopus-roles check --fix`), and the line helpers that keep the user's line
 * endings and indentation. Nothing here knows a syntax or the model: the front-ends build on it (syntax/yaml/edits.ts).
 */
import type { Span } from './text';

/** Replace `span` of a file's text with `newText` (an insertion when the span is empty). */
export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

/** A change to the workspace: edits to existing files and new files to create. */
export interface WorkspaceChange {
  /** Edits per file URI; a file's edits never overlap. */
  readonly edits: ReadonlyMap<string, readonly TextEdit[]>;
  /** New files (URI to full text); the client refuses to overwrite an existing file. */
  readonly creates: ReadonlyMap<string, string>;
}

/** A change that edits one file. */
export function fileChange(uri: string, edits: readonly TextEdit[]): WorkspaceChange {
  return { edits: new Map([[uri, edits]]), creates: new Map() };
}

/**
 * Applies non-overlapping edits to `text`. Insertions at the same offset keep their order. Throws on
 * overlapping edits, which would be a bug in whoever built them.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.span.start - b.e.span.start || a.e.span.end - b.e.span.end || a.i - b.i);
  let out = '';
  let at = 0;
  for (const { e } of sorted) {
    if (e.span.start < at || e.span.end < e.span.start || e.span.end > text.length) {
      throw new Error(`overlapping or out-of-range edit at ${e.span.start}-${e.span.end}`);
    }
    out += text.slice(at, e.span.start) + e.newText;
    at = e.span.end;
  }
  return out + text.slice(at);
}

/** True when two edits' spans overlap (touching insertions at one offset do not). */
export function overlaps(a: Span, b: Span): boolean {
  if (a.start === a.end || b.start === b.end) return (a.start > b.start && a.start < b.end) || (b.start > a.start && b.start < a.end);
  return a.start < b.end && b.start < a.end;
}

/** The line ending a file uses: the first one in it, `\n` when it has none. */
export function eolOf(text: string): string {
  const i = text.search(/\r\n|\r|\n/);
  if (i < 0) return '\n';
  return text[i] === '\r' ? (text[i + 1] === '\n' ? '\r\n' : '\r') : '\n';
}

/** The offset where the line holding `offset` starts. */
export function lineStartOf(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** The offset just before the line break that ends the line holding `offset` (or the text's end). */
export function lineEndOf(text: string, offset: number): number {
  let i = Math.max(0, offset);
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** The offset just after the line break that ends the line holding `offset` (or the text's end). */
export function nextLineStart(text: string, offset: number): number {
  const end = lineEndOf(text, offset);
  if (text[end] === '\r' && text[end + 1] === '\n') return end + 2;
  return end < text.length ? end + 1 : end;
}

/** The leading spaces of the line holding `offset`. */
export function indentOf(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  let i = start;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return text.slice(start, i);
}

/**
 * Format Document: the front-end re-prints the file (syntax/yaml/format.ts), and the result is accepted
 * only when the file's model reads the same before and after: the same documents, names, fields in the
 * same order, lists and findings of the front-end, spans aside. The edit covers only the part of the
 * file that changed, so that the editor keeps the cursor and folds elsewhere.
 */
import type { TextEdit } from '../util/edit';
import type { ModelIndex } from '../model/workspace';
import type { ParsedFile } from '../model/types';

/** Formatting options as editors send them; YAML needs only the indentation width. */
export interface FormatOptions {
  readonly tabSize: number;
}

/**
 * The edits that format the file at `uri`: none when it is formatted already, when its syntax has no
 * formatter, or when formatting would change what the file means (a bug in the printer, never the
 * user's loss).
 */
export function formatFile(ws: ModelIndex, uri: string, options: FormatOptions): TextEdit[] {
  const text = ws.text(uri);
  const frontEnd = ws.syntaxOf(uri);
  if (text === undefined || !frontEnd?.format) return [];
  const formatted = frontEnd.format(text, options);
  if (formatted === undefined || formatted === text) return [];
  const before = ws.parse(uri, text);
  const after = ws.parse(uri, formatted);
  if (!before || !after || modelShape(before) !== modelShape(after)) return [];
  return [minimalEdit(text, formatted)];
}

const SPAN_KEYS = new Set(['span', 'keySpan', 'pairSpan', 'valueSpan', 'guessed']);

/**
 * What a file means, as a string: its model without source positions. Suppression comments count by
 * the codes they silence, since formatting may move the lines they stand on.
 */
export function modelShape(file: ParsedFile): string {
  const strip = (value: unknown): unknown => {
    if (value instanceof Map) return [...value.entries()].map(([k, v]) => [k, strip(v)]);
    if (value instanceof Set) return [...value].sort();
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (!SPAN_KEYS.has(k)) out[k] = strip(v);
      return out;
    }
    return value;
  };
  const suppressions = {
    lines: [...file.suppressions.lines.values()].map((codes) => [...codes].sort().join(',')).sort(),
    docs: file.suppressions.docs.map((d) => [...d.codes].sort().join(',')),
  };
  return JSON.stringify({
    docs: strip(file.docs),
    findings: file.syntaxFindings.map((d) => [d.code, d.severity, d.message]),
    suppressions,
  });
}

/** One edit that turns `before` into `after`, replacing only what lies between their common ends. */
function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  // Never split a CRLF pair or a surrogate pair between the kept and the replaced part.
  while (start > 0 && (before[start - 1] === '\r' || /[\ud800-\udbff]/.test(before[start - 1]))) start--;
  while (end > 0 && (before[before.length - end] === '\n' || /[\udc00-\udfff]/.test(before[before.length - end]))) end--;
  return { span: { start, end: before.length - end }, newText: after.slice(start, after.length - end) };
}

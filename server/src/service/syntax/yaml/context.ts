/**
 * Where the cursor stands in a YAML file, for completion. Read from the text around the cursor, line by
 * line, because the line being typed is usually not valid YAML yet.
 */
import type { Span } from '../../model/types';
import type { CompletionContext } from '../../model/frontend';

interface Line {
  readonly start: number;
  readonly text: string;
  readonly indent: number;
}


// A key may hold spaces: the groups of a space's `projectGroups` map are named like `Back office`.
const KEY_LINE = /^(\s*)(-\s+)?([A-Za-z](?:[\w-]| (?=[\w-]))*)\s*:(\s*)(.*)$/;
const ITEM_LINE = /^(\s*)-(\s+)(.*)$/;

function lineAround(text: string, offset: number): Line & { end: number } {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = offset;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  const lineText = text.slice(start, end);
  return { start, end, text: lineText, indent: lineText.length - lineText.trimStart().length };
}

/** The lines above `start`, nearest first, skipping blank and comment lines. */
function* linesAbove(text: string, start: number): Generator<Line> {
  let end = start;
  while (end > 0) {
    let s = end - 1;
    if (text[s] === '\n' && text[s - 1] === '\r') s--;
    const lineEnd = s;
    while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
    const lineText = text.slice(s, lineEnd);
    end = s;
    const trimmed = lineText.trim();
    if (trimmed === '---') return;
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    yield { start: s, text: lineText, indent: lineText.length - lineText.trimStart().length };
  }
}

/** The end of a plain value typed on a line: before a trailing comment and trailing spaces. */
function valueEnd(lineText: string, from: number): number {
  const hash = lineText.indexOf(' #', from);
  let end = hash >= 0 ? hash : lineText.length;
  while (end > from && /\s/.test(lineText[end - 1])) end--;
  return end;
}

/** The item of a flow list `[a, b, c]` that holds the cursor. */
function flowItem(lineText: string, open: number, column: number): { start: number; end: number } {
  let s = column;
  while (s > open + 1 && lineText[s - 1] !== ',' && lineText[s - 1] !== '[') s--;
  while (s < column && lineText[s] === ' ') s++;
  let e = column;
  while (e < lineText.length && lineText[e] !== ',' && lineText[e] !== ']') e++;
  while (e > s && lineText[e - 1] === ' ') e--;
  return { start: s, end: Math.max(e, column) };
}

/** The key whose block list or mapping holds a line of indentation `indent`. */
function ownerOf(text: string, lineStart: number, indent: number, isItem: boolean): { key: string; line: Line } | undefined {
  for (const line of linesAbove(text, lineStart)) {
    const m = KEY_LINE.exec(line.text);
    const keyIndent = m ? line.indent + (m[2]?.length ?? 0) : line.indent;
    if (m && m[5].trim() === '' && (keyIndent < indent || (isItem && keyIndent === indent && !m[2]))) {
      return { key: m[3], line };
    }
    if (isItem && line.indent === indent && ITEM_LINE.test(line.text)) continue;
    if (line.indent < indent) return undefined;
  }
  return undefined;
}

/** Where the cursor at `offset` stands; undefined where nothing can be completed. */
export function completionContext(text: string, offset: number): CompletionContext | undefined {
  const line = lineAround(text, offset);
  const column = offset - line.start;
  const before = line.text.slice(0, column);
  if (before.includes('#')) return undefined;
  const abs = (s: number, e: number): Span => ({ start: line.start + s, end: line.start + e });

  const keyLine = KEY_LINE.exec(line.text);
  if (keyLine) {
    const valueStart = keyLine[1].length + (keyLine[2]?.length ?? 0) + keyLine[3].length;
    const colon = line.text.indexOf(':', valueStart);
    if (column > colon) {
      const rest = line.text.slice(colon + 1);
      const firstChar = colon + 1 + (rest.length - rest.trimStart().length);
      const key = keyLine[3];
      if (line.text[firstChar] === '[') {
        const item = flowItem(line.text, firstChar, column);
        return { type: 'item', key, replace: abs(item.start, item.end) };
      }
      const start = Math.min(firstChar, column);
      return { type: 'value', key, replace: abs(start, Math.max(valueEnd(line.text, start), column)) };
    }
  }
  const item = ITEM_LINE.exec(line.text);
  if (item && column >= item[1].length + 1) {
    const start = item[1].length + 1 + item[2].length;
    if (column >= start || item[3] === '') {
      const owner = ownerOf(text, line.start, line.indent, true);
      if (!owner) return undefined;
      const s = Math.min(start, column);
      return { type: 'item', key: owner.key, replace: abs(s, Math.max(valueEnd(line.text, s), column)) };
    }
  }
  if (/^\s*(-\s+)?[A-Za-z]*$/.test(before)) {
    const wordStart = before.search(/[A-Za-z]*$/);
    let end = column;
    while (end < line.text.length && /[\w-]/.test(line.text[end])) end++;
    const replace = abs(wordStart, end);
    const dash = /^\s*-\s+/.test(before);
    if (line.indent === 0 && !dash) return { type: 'key', level: 'doc', replace };
    // Inside a long-form role assignment: a key after `- ` under `roles`, or on a continuation line.
    if (dash) {
      const owner = ownerOf(text, line.start, line.indent, true);
      return levelOf(owner?.key, replace);
    }
    for (const above of linesAbove(text, line.start)) {
      if (above.indent >= line.indent) continue;
      const m = ITEM_LINE.exec(above.text);
      if (!m) return undefined;
      const owner = ownerOf(text, above.start, above.indent, true);
      return levelOf(owner?.key, replace);
    }
  }
  return undefined;
}


/** A field name inside an item of a list: a role assignment under `roles`, a policy under `policies`. */
function levelOf(owner: string | undefined, replace: Span): CompletionContext | undefined {
  if (owner === 'roles') return { type: 'key', level: 'assignment', replace };
  return owner === 'policies' ? { type: 'key', level: 'doc', replace } : undefined;
}

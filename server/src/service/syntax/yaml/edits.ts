/**
 * The YAML front-end's edits that keep a file's formatting: remove a list item or a key, add a key to a
 * role assignment, add an item to a list, replace names with the right quoting. Each works on the text
 * and the spans of the model, in block style (`- item` lines, `key: value` lines) and flow style
 * (`[a, b]`, `{role: A}`), and returns undefined for a layout it does not recognise, so that a fix is
 * left out rather than producing something unexpected. Removed lines take their trailing comment with
 * them, and a block item or key also takes the comment lines directly above it at its own indentation
 * (they describe it; left behind they would describe the next item). Other comment lines stay.
 */
import { isCollection, parseAllDocuments, visit } from 'yaml';
import { eolOf, indentOf, lineEndOf, lineStartOf, nextLineStart, type TextEdit } from '../../util/edit';
import type { Assignment, DocKind, KeyRef, NameList, Span } from '../../model/types';
import type { NewField, SyntaxEdits } from '../../model/frontend';

const BLANK = /^[ \t]*$/;
const DASH = /^[ \t]*-[ \t]+$/;
const REST_OF_LINE = /^[ \t]*(?:#.*)?$/;

/** True for a short-form assignment (`- Role Name`): the assignment is its role's name alone. */
const isShortForm = (a: Assignment): boolean => a.span.start === a.role.span.start && a.span.end === a.role.span.end;

/** True for a list written in flow style (`[a, b]`). */
const isFlowList = (text: string, list: NameList): boolean => list.valueSpan !== undefined && text[list.valueSpan.start] === '[';

/** The end of a span without the trailing white space and line breaks the parser includes in it. */
export function contentEnd(text: string, span: Span): number {
  let end = span.end;
  while (end > span.start && /\s/.test(text[end - 1])) end--;
  return end;
}

const restOfLineIsEmpty = (text: string, offset: number): boolean => REST_OF_LINE.test(text.slice(offset, lineEndOf(text, offset)));

/** The offset of the line before the one starting at `lineStart`, or undefined on the first line. */
function previousLineStart(text: string, lineStart: number): number | undefined {
  if (lineStart === 0) return undefined;
  return lineStartOf(text, text[lineStart - 1] === '\n' && text[lineStart - 2] === '\r' ? lineStart - 2 : lineStart - 1);
}

/**
 * Where the removal of the block item or key whose line starts at `lineStart` begins: before the
 * comment lines directly above it that start at `column`, its own column. A blank line, a line at
 * another indentation or a line with content ends the comment. Inside a block scalar such a line could
 * not stand at the item's column, so a line that reads as a comment there is one.
 */
function startWithComments(text: string, lineStart: number, column: number): number {
  let start = lineStart;
  for (let prev = previousLineStart(text, start); prev !== undefined; prev = previousLineStart(text, start)) {
    const line = text.slice(prev, lineEndOf(text, prev));
    if (line[column] !== '#' || !/^ *$/.test(line.slice(0, column))) break;
    start = prev;
  }
  return start;
}

/** In a flow collection, the edit that removes `span` (an item or a pair) with one of its commas. */
function removeFlowEntry(text: string, span: Span): TextEdit | undefined {
  let i = span.start;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  const end = contentEnd(text, span);
  if (text[i - 1] === ',') return { span: { start: i - 1, end }, newText: '' };
  if (text[i - 1] !== '[' && text[i - 1] !== '{') return undefined;
  let j = end;
  while (j < text.length && /\s/.test(text[j])) j++;
  if (text[j] === ',') {
    j++;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    return { span: { start: span.start, end: j }, newText: '' };
  }
  if (text[j] === ']' || text[j] === '}') return { span: { start: span.start, end }, newText: '' };
  return undefined;
}

/** True when the item at `span` is an entry of a flow collection. */
export function inFlow(text: string, span: Span): boolean {
  if (DASH.test(text.slice(lineStartOf(text, span.start), span.start))) return false;
  let i = span.start;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  return text[i - 1] === ',' || text[i - 1] === '[' || text[i - 1] === '{';
}

/** Removes one item of a list, given the item node's span. */
export function removeSeqItem(text: string, span: Span): TextEdit | undefined {
  const lineStart = lineStartOf(text, span.start);
  if (DASH.test(text.slice(lineStart, span.start))) {
    const end = contentEnd(text, span);
    if (!restOfLineIsEmpty(text, end)) return undefined;
    const dashColumn = text.indexOf('-', lineStart) - lineStart;
    return { span: { start: startWithComments(text, lineStart, dashColumn), end: nextLineStart(text, end) }, newText: '' };
  }
  return removeFlowEntry(text, span);
}

/** Removes a `key: value` pair of a mapping. */
export function removePair(text: string, key: KeyRef): TextEdit | undefined {
  const lineStart = lineStartOf(text, key.keySpan.start);
  const before = text.slice(lineStart, key.keySpan.start);
  const end = contentEnd(text, key.pairSpan);
  if (BLANK.test(before)) {
    if (!restOfLineIsEmpty(text, end)) return removeFlowEntry(text, key.pairSpan);
    const start = startWithComments(text, lineStart, key.keySpan.start - lineStart);
    return { span: { start, end: nextLineStart(text, end) }, newText: '' };
  }
  if (DASH.test(before)) {
    // The first key of a list item (`- space: X`): the next key of the same mapping takes its place.
    if (!restOfLineIsEmpty(text, end)) return undefined;
    const next = nextLineStart(text, end);
    const column = key.keySpan.start - lineStart;
    const indent = indentOf(text, next);
    if (next >= text.length || indent.length !== column || BLANK.test(text.slice(next, lineEndOf(text, next)))) return undefined;
    return { span: { start: key.keySpan.start, end: next + indent.length }, newText: '' };
  }
  return removeFlowEntry(text, key.pairSpan);
}

/**
 * Adds `key: value` to a role assignment, after its `role`. A short-form assignment (`- Role`) becomes
 * the long form. `value` is the key's value as YAML source text.
 */
export function addAssignmentKey(text: string, a: Assignment, key: string, value: string): TextEdit | undefined {
  const eol = eolOf(text);
  const roleSource = text.slice(a.role.span.start, a.role.span.end);
  if (isShortForm(a)) {
    if (inFlow(text, a.role.span)) return { span: a.role.span, newText: `{role: ${roleSource}, ${key}: ${value}}` };
    if (!DASH.test(text.slice(lineStartOf(text, a.role.span.start), a.role.span.start))) return undefined;
    if (!restOfLineIsEmpty(text, a.role.span.end)) return undefined;
    const column = a.role.span.start - lineStartOf(text, a.role.span.start);
    return { span: a.role.span, newText: `role: ${roleSource}${eol}${' '.repeat(column)}${key}: ${value}` };
  }
  if (text[a.span.start] === '{') return { span: { start: a.role.span.end, end: a.role.span.end }, newText: `, ${key}: ${value}` };
  const column = a.span.start - lineStartOf(text, a.span.start);
  if (!restOfLineIsEmpty(text, a.role.span.end)) return undefined;
  const at = nextLineStart(text, a.role.span.end);
  const line = `${' '.repeat(column)}${key}: ${value}`;
  if (at === lineEndOf(text, a.role.span.end)) return { span: { start: at, end: at }, newText: `${eol}${line}` };
  return { span: { start: at, end: at }, newText: `${line}${eol}` };
}

/**
 * Adds `value` to the list `list` (which may be empty or absent from the document). When the list is
 * absent, `afterKey` is the pair after which a new `key:` is written, and `model` is a list whose style
 * (flow or block, item indentation) the new one copies.
 */
export function appendToList(
  text: string,
  target: NameList | undefined,
  targetKey: string,
  value: string,
  afterKey: KeyRef,
  model: NameList | undefined,
): TextEdit | undefined {
  const eol = eolOf(text);
  const last = target?.items[target.items.length - 1];
  if (target && last) {
    if (isFlowList(text, target)) {
      return { span: { start: last.span.end, end: last.span.end }, newText: `, ${scalarText(value, undefined, true)}` };
    }
    const lineStart = lineStartOf(text, last.span.start);
    const prefix = text.slice(lineStart, last.span.start);
    if (!DASH.test(prefix) || !restOfLineIsEmpty(text, last.span.end)) return undefined;
    const at = nextLineStart(text, last.span.end);
    const line = `${prefix}${scalarText(value)}`;
    if (at === lineEndOf(text, last.span.end)) return { span: { start: at, end: at }, newText: `${eol}${line}` };
    return { span: { start: at, end: at }, newText: `${line}${eol}` };
  }
  const keyColumn = (k: KeyRef) => k.keySpan.start - lineStartOf(text, k.keySpan.start);
  const itemOffset = (() => {
    const first = model?.items[0];
    if (!model || isFlowList(text, model) || !first) return 2;
    const dashAt = text.lastIndexOf('-', first.span.start);
    return Math.max(0, dashAt - lineStartOf(text, dashAt) - keyColumn(model.key));
  })();
  if (target) {
    // The key is there with an empty value (`key:` or `key: []`).
    const valueSpan = target.valueSpan;
    if (valueSpan && text[valueSpan.start] === '[') {
      return { span: { start: valueSpan.start, end: contentEnd(text, valueSpan) }, newText: `[${scalarText(value, undefined, true)}]` };
    }
    const colon = text.indexOf(':', target.key.keySpan.end);
    if (colon < 0 || !BLANK.test(text.slice(target.key.keySpan.end, colon))) return undefined;
    if (model && isFlowList(text, model)) return { span: { start: colon + 1, end: colon + 1 }, newText: ` [${scalarText(value, undefined, true)}]` };
    const at = lineEndOf(text, colon);
    const indent = ' '.repeat(keyColumn(target.key) + itemOffset);
    return { span: { start: at, end: at }, newText: `${eol}${indent}- ${scalarText(value)}` };
  }
  // No such key: write it after `afterKey`, at the same column.
  const lineStart = lineStartOf(text, afterKey.keySpan.start);
  if (!BLANK.test(text.slice(lineStart, afterKey.keySpan.start))) return undefined;
  const end = contentEnd(text, afterKey.pairSpan);
  if (!restOfLineIsEmpty(text, end)) return undefined;
  const column = ' '.repeat(keyColumn(afterKey));
  const lines = model && isFlowList(text, model)
    ? [`${column}${targetKey}: [${scalarText(value, undefined, true)}]`]
    : [`${column}${targetKey}:`, `${column}${' '.repeat(itemOffset)}- ${scalarText(value)}`];
  const at = nextLineStart(text, end);
  if (at === lineEndOf(text, end)) return { span: { start: at, end: at }, newText: eol + lines.join(eol) };
  return { span: { start: at, end: at }, newText: lines.join(eol) + eol };
}

const RESERVED = /^(?:true|false|yes|no|on|off|null|~|y|n|[-+]?(?:\.inf|\.nan)|[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/i;

/**
 * True when `value` reads back as the same string written as a plain (unquoted) scalar, in block
 * context or, with `flow`, inside `[...]` or `{...}`. Conservative: when in doubt, quote.
 */
export function isPlainSafe(value: string, flow: boolean): boolean {
  if (value.length === 0 || value !== value.trim()) return false;
  if (RESERVED.test(value)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(value)) return false;
  if (/[\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(value)) return false;
  if (value.includes(': ') || value.endsWith(':') || value.includes(' #')) return false;
  if (flow && /[,[\]{}:]/.test(value)) return false;
  return true;
}

/**
 * How to write `value` as a YAML scalar. When it replaces an existing scalar, pass that scalar's
 * source text: its quoting style is kept where it can represent the value; a plain scalar stays plain
 * unless the new value needs quotes.
 */
export function scalarText(value: string, original?: string, flow = false): string {
  const style = original?.[0];
  if (style === "'" && !/[\u0000-\u001f\u007f]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  if (style !== '"' && isPlainSafe(value, flow)) return value;
  // A JSON string is a valid YAML double-quoted scalar with the same value.
  return JSON.stringify(value);
}

/**
 * The offsets where scalars inside a flow collection (`[...]`, `{...}`) start, from a fresh parse of
 * the file; 'unknown' when the text cannot be parsed, so that the caller quotes whenever in doubt. A
 * text without a bracket has no flow collection and is not parsed.
 */
function flowScalarStarts(text: string): Set<number> | 'unknown' {
  const starts = new Set<number>();
  if (!/[[{]/.test(text)) return starts;
  try {
    for (const doc of parseAllDocuments(text)) {
      visit(doc, {
        Scalar(_key, node, path) {
          if (node.range && path.some((p) => isCollection(p) && p.flow === true)) starts.add(node.range[0]);
        },
      });
    }
  } catch {
    return 'unknown';
  }
  return starts;
}

/** Replaces the scalars at `spans` with `value`, each keeping its quoting where it can. */
function replaceNames(text: string, spans: readonly Span[], value: string): TextEdit[] {
  // Only a plain scalar that is safe in block context but not inside `[...]` depends on where it stands.
  const flowMatters = isPlainSafe(value, false) && !isPlainSafe(value, true);
  const flow = flowMatters ? flowScalarStarts(text) : undefined;
  return spans.map((span) => ({
    span,
    newText: scalarText(value, text.slice(span.start, span.end), flow === undefined ? false : flow === 'unknown' || flow.has(span.start)),
  }));
}

/** Gives a nameless document the name `value`: after an empty `name:`, or as a new first key. */
function addName(text: string, docSpan: Span, keys: ReadonlyMap<string, KeyRef>, value: string): TextEdit | undefined {
  const scalar = scalarText(value);
  const key = keys.get('name');
  if (key) {
    const colon = text.indexOf(':', key.keySpan.end);
    if (colon < 0 || colon >= lineEndOf(text, key.keySpan.end)) return undefined;
    return { span: { start: colon + 1, end: colon + 1 }, newText: ` ${scalar}` };
  }
  if (text[docSpan.start] === '{' || keys.size === 0) return undefined;
  const column = docSpan.start - lineStartOf(text, docSpan.start);
  return { span: { start: docSpan.start, end: docSpan.start }, newText: `name: ${scalar}${eolOf(text)}${' '.repeat(column)}` };
}

/** A new file of one document: `name`, then each list field (an empty one in flow style). */
function newDocument(name: string, fields: readonly NewField[]): string {
  const lines = [`name: ${scalarText(name)}`];
  for (const f of fields) {
    const comment = f.comment ? ` # ${f.comment}` : '';
    if (f.items.length === 0) lines.push(`${f.key}: []${comment}`);
    else {
      lines.push(`${f.key}:`);
      f.items.forEach((item, i) => lines.push(`  - ${scalarText(item)}${i === 0 ? comment : ''}`));
    }
  }
  return [...lines, ''].join('\n');
}

const MARKER = /^---(\s|$)/;

/** The offsets of the lines of `text` that start a document (`---`). */
function markerLines(text: string): number[] {
  const out: number[] = [];
  let at = 0;
  while (at < text.length) {
    const end = lineEndOf(text, at);
    if (MARKER.test(text.slice(at, Math.min(end, at + 4)))) out.push(at);
    at = nextLineStart(text, end);
    if (at === end) break;
  }
  return out;
}

/**
 * Removes the document at `docSpan`: with the `---` line before it, or, for the first document, with the
 * `---` line after it; the only document of a file leaves the file empty of documents (its comments stay).
 */
function removeDocument(text: string, docSpan: Span): TextEdit | undefined {
  const markers = markerLines(text);
  const start = lineStartOf(text, docSpan.start);
  const before = markers.filter((m) => m < start).pop();
  const after = markers.find((m) => m >= contentEnd(text, docSpan));
  if (before !== undefined) return { span: { start: before, end: after ?? text.length }, newText: '' };
  if (after !== undefined) return { span: { start, end: nextLineStart(text, after) }, newText: '' };
  return { span: { start, end: text.length }, newText: '' };
}

/** Adds names to `managers.members`, or a new `managers:` field at the end of a block document. */
function addManagers(text: string, docSpan: Span, members: NameList | undefined, hasManagers: boolean, names: readonly string[]): TextEdit[] | undefined {
  if (!names.length) return undefined;
  if (members) {
    const edits: TextEdit[] = [];
    let list = members;
    for (const name of names) {
      const edit = appendToList(text, list, 'members', name, list.key, list);
      if (!edit) return undefined;
      edits.push(edit);
      // Later names go after the first one's insertion, at the same offset, in order.
      list = { key: list.key, items: [...list.items], valueSpan: list.valueSpan };
    }
    return edits;
  }
  if (hasManagers || text[docSpan.start] === '{') return undefined;
  const end = contentEnd(text, docSpan);
  const column = docSpan.start - lineStartOf(text, docSpan.start);
  const indent = ' '.repeat(column);
  const eol = eolOf(text);
  const block = `${indent}managers:${eol}${indent}  members: [${names.map((n) => scalarText(n, undefined, true)).join(', ')}]`;
  const at = nextLineStart(text, end);
  if (at === lineEndOf(text, end)) return [{ span: { start: at, end: at }, newText: eol + block }];
  return [{ span: { start: at, end: at }, newText: block + eol }];
}

/** The YAML front-end's edits. */
export const YAML_EDITS: SyntaxEdits = {
  removeItem: removeSeqItem,
  removeField: removePair,
  addAssignmentField(text, a, key, value, like) {
    const original = like ? text.slice(like.start, like.end) : undefined;
    const flow = inFlow(text, a.span) || text[a.span.start] === '{';
    return addAssignmentKey(text, a, key, scalarText(value, original, flow));
  },
  appendToList,
  replaceNames,
  addName,
  removeDocument,
  addManagers,
  newDocument,
  fileSuffix: (kind: DocKind) => `.${kind}.yaml`,
  lineComment: (comment: string) => `# ${comment}`,
};

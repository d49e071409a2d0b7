/**
 * Edits to Terraform files that keep their layout: remove a list item with its comma, append to a
 * `granted_*` list (on its line, or on a line of its own when the list has one item per line), replace a
 * string keeping its quotes, add an attribute to a `user_role` block. Model keys are mapped to the
 * provider's attribute names; anything else returns undefined, so no fix is offered.
 */
import { eolOf, indentOf, lineEndOf, lineStartOf, nextLineStart, type TextEdit } from '../../util/edit';
import type { Assignment, DocKind, KeyRef, NameList, Span } from '../../model/types';
import type { NewField, SyntaxEdits } from '../../model/frontend';
import { hclString } from './quote';
import { ASSIGNMENT_ATTRIBUTES, LIST_ATTRIBUTES } from './read';

const blank = (c: string | undefined) => c === ' ' || c === '\t';

/** Removes an item of a `[...]` list with one of its commas, or its whole line when it stands alone there. */
function removeItem(text: string, item: Span): TextEdit | undefined {
  let after = item.end;
  while (blank(text[after])) after++;
  const commaAfter = text[after] === ',';
  const lineStart = lineStartOf(text, item.start);
  const aloneBefore = text.slice(lineStart, item.start).trim() === '';
  if (aloneBefore) {
    const end = commaAfter ? after + 1 : item.end;
    const rest = text.slice(end, lineEndOf(text, end));
    if (rest.trim() === '' || rest.trim().startsWith('#')) {
      // The item has its own line: remove the line (and the comma before it when it was the last item).
      if (!commaAfter) {
        let before = lineStart - 1;
        while (before >= 0 && /\s/.test(text[before])) before--;
        if (text[before] === ',') return { span: { start: before, end: lineEndOf(text, item.end) }, newText: '' };
      }
      return { span: { start: lineStart, end: nextLineStart(text, item.end) }, newText: '' };
    }
  }
  if (commaAfter) {
    let end = after + 1;
    while (blank(text[end])) end++;
    return { span: { start: item.start, end }, newText: '' };
  }
  let before = item.start;
  while (before > 0 && /\s/.test(text[before - 1])) before--;
  if (text[before - 1] === ',') return { span: { start: before - 1, end: item.end }, newText: '' };
  return { span: item, newText: '' };
}

/** Removes an attribute or a block: its lines when it has them to itself, else just its text. */
function removeField(text: string, field: KeyRef): TextEdit | undefined {
  const start = lineStartOf(text, field.pairSpan.start);
  const end = lineEndOf(text, field.pairSpan.end);
  const alone = text.slice(start, field.pairSpan.start).trim() === '' && text.slice(field.pairSpan.end, end).trim() === '';
  return alone ? { span: { start, end: nextLineStart(text, field.pairSpan.end) }, newText: '' } : { span: field.pairSpan, newText: '' };
}

/** Adds `attribute = "value"` as the last line of an assignment's block. */
function addAssignmentField(text: string, a: Assignment, key: string, value: string): TextEdit | undefined {
  const attribute = ASSIGNMENT_ATTRIBUTES[key];
  if (!attribute || text[a.span.end - 1] !== '}') return undefined;
  const close = a.span.end - 1;
  const closeLine = lineStartOf(text, close);
  if (text.slice(closeLine, close).trim() !== '') return undefined; // a one-line block: leave it to the user
  const indent = indentOf(text, close) + '  ';
  const line = `${indent}${attribute} = ${key === 'space' ? hclString(value) : `[${hclString(value)}]`}${eolOf(text)}`;
  return { span: { start: closeLine, end: closeLine }, newText: line };
}

/** Adds `value` to a `granted_*` list, or adds the list after `after`. */
function appendToList(text: string, target: NameList | undefined, targetKey: string, value: string, after: KeyRef): TextEdit | undefined {
  const attribute = LIST_ATTRIBUTES[targetKey as keyof typeof LIST_ATTRIBUTES];
  if (!attribute) return undefined;
  if (target?.valueSpan) {
    const open = target.valueSpan.start;
    const close = target.valueSpan.end - 1;
    if (text[open] !== '[' || text[close] !== ']') return undefined;
    const last = target.items[target.items.length - 1]?.span;
    if (!last) {
      const inner = text.slice(open + 1, close);
      if (inner.trim() !== '') return undefined; // a comment or a computed item: leave it
      return { span: { start: open, end: close + 1 }, newText: `[${hclString(value)}]` };
    }
    let i = last.end;
    while (blank(text[i])) i++;
    const trailingComma = text[i] === ',';
    const multiLine = /[\r\n]/.test(text.slice(last.end, close));
    if (multiLine) {
      const indent = indentOf(text, last.start);
      const at = trailingComma ? i + 1 : last.end;
      return { span: { start: at, end: at }, newText: `${trailingComma ? '' : ','}${eolOf(text)}${indent}${hclString(value)}${trailingComma ? ',' : ''}` };
    }
    return { span: { start: last.end, end: last.end }, newText: `, ${hclString(value)}` };
  }
  const end = lineEndOf(text, after.pairSpan.end);
  return { span: { start: end, end }, newText: `${eolOf(text)}${indentOf(text, after.pairSpan.start)}${attribute} = [${hclString(value)}]` };
}

function replaceNames(text: string, spans: readonly Span[], value: string): TextEdit[] {
  return spans.map((span) => ({ span, newText: text[span.start] === '"' ? hclString(value) : value }));
}

const RESOURCE_TYPES: Readonly<Record<DocKind, string | undefined>> = { role: 'octopusdeploy_user_role', team: 'octopusdeploy_team', space: undefined, policy: undefined };

/** A module file holding one resource; list fields are written with the provider's attribute names. */
function newDocument(name: string, fields: readonly NewField[]): string {
  const label = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'role';
  const lines = [`resource "${RESOURCE_TYPES.role}" "${label}" {`, `  name = ${hclString(name)}`];
  for (const f of fields) {
    const attribute = LIST_ATTRIBUTES[f.key as keyof typeof LIST_ATTRIBUTES] ?? f.key;
    if (f.comment) lines.push(`  # ${f.comment}`);
    lines.push(`  ${attribute} = [${f.items.map(hclString).join(', ')}]`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

export const TERRAFORM_EDITS: SyntaxEdits = {
  removeItem,
  removeField,
  addAssignmentField,
  appendToList,
  replaceNames,
  // A Terraform resource's name is a required attribute that HashiCorp's server already asks for.
  addName: () => undefined,
  // Resources are not removed and space managers are not modelled in modules: these fixes are YAML's only.
  removeDocument: () => undefined,
  addManagers: () => undefined,
  newDocument,
  fileSuffix: () => '.tf',
  lineComment: (comment) => `# ${comment}`,
};

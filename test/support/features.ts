/** `check*` helpers for completion and hover, on fixture text with `$0` as the cursor. */
import * as assert from 'node:assert/strict';
import { complete, hover, type CompletionEntry } from '../../server/src/service';
import { parseFixture, workspaceOf } from './fixture';

function atCursor(source: string, defaultPath?: string) {
  const files = parseFixture(source, defaultPath);
  const { ws } = workspaceOf(files);
  const file = files.find((f) => f.cursor !== undefined);
  assert.ok(file, 'the fixture has no $0');
  return { ws, file, offset: file.cursor! };
}

/** The completion proposals at `$0`, sorted as an editor would show them. */
export function completionsAt(source: string, defaultPath?: string): CompletionEntry[] {
  const { ws, file, offset } = atCursor(source, defaultPath);
  return complete(ws, file.path, offset).sort((a, b) => a.sortText.localeCompare(b.sortText));
}

/** The text each proposal replaces, for checking the replace span. */
export function replacedText(source: string, entry: CompletionEntry, defaultPath?: string): string {
  const { file } = atCursor(source, defaultPath);
  return file.text.slice(entry.replace.start, entry.replace.end);
}

/** Checks that the proposals include `some` and exclude `none`. */
export function checkCompletion(source: string, expect: { includes?: string[]; excludes?: string[]; exactly?: string[] }, defaultPath?: string): CompletionEntry[] {
  const labels = completionsAt(source, defaultPath).map((e) => e.label);
  for (const l of expect.includes ?? []) assert.ok(labels.includes(l), `missing ${l} in ${labels.slice(0, 20).join(', ')}`);
  for (const l of expect.excludes ?? []) assert.ok(!labels.includes(l), `unexpected ${l}`);
  if (expect.exactly) assert.deepEqual(labels, expect.exactly);
  return completionsAt(source, defaultPath);
}

/** The hover Markdown at `$0`, or undefined. */
export function hoverAt(source: string, defaultPath?: string): { markdown: string; text: string } | undefined {
  const { ws, file, offset } = atCursor(source, defaultPath);
  const h = hover(ws, file.path, offset);
  return h && { markdown: h.markdown, text: file.text.slice(h.span.start, h.span.end) };
}

/**
 * The one writer of text into GitHub-flavoured markdown (the pull-request comment of `diff --format
 * markdown`). A name is text wherever it lands: never markup, a tag, a comment, a link, a mention or a
 * reference, never more than one line, and with nothing invisible. Rules from CommonMark 0.31.2 and the
 * GFM specification (sections cited by number).
 */
import { printable } from './output';

/**
 * Where text goes: `inline` is a paragraph, heading, list item or table cell (markdown inlines); `html`
 * is text inside an HTML block such as `<summary>` (4.6: no markdown there, so backslash escapes do not
 * apply, entities do); `code` is a line of a fenced code block (4.5: everything literal).
 */
export type MarkdownPlace = 'inline' | 'html' | 'code';

/**
 * What GitHub turns into links and notifications after rendering, in the text itself, where backslash
 * escapes are gone: `@name` (a mention, which notifies a user or an `@org/team`), `#123` and `GH-123`
 * (references), `://` and `www.` (links); a zero-width space after `@`, `#`, `GH` or `www` and before
 * `//` breaks each.
 */
const GITHUB_LINKS = /[@#]|\bgh(?=-\d)|:(?=\/\/)|\bwww(?=\.)/gi;
const BREAK = '\u200b';

/**
 * The ASCII punctuation that means something in markdown inlines or at the start of a block: code spans,
 * emphasis and GFM strikethrough, links and images, raw HTML and autolinks, entities, table cells, ATX
 * headings and their closing `#`s, list markers, setext underlines and thematic breaks, blockquotes, and
 * GitHub's `$` math. Escaped, each stands for itself (2.4: any ASCII punctuation may be). The rest (`:`,
 * `,`, `;`, `?`, `/`, `%`, `^`, `{`, `}`, quotes, `@`) means nothing once these are escaped, and is left
 * as it is so that the comment's source stays readable.
 */
const MARKUP = /[\\`*_~[\]()!<>&|#+\-=.$]/g;

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `text` as GitHub-flavoured markdown text for `place`. First its printable form (output.ts): controls,
 * line breaks, bidirectional and other format characters as visible escapes, so that no name spans two
 * lines (which would end a table row, 4.10, or an HTML block, 4.6, or start a block of its own). Then:
 * - inline: the punctuation of markdown backslash-escaped (2.4), so that no character opens emphasis, a
 *   link, a code span, raw HTML (6.6), an entity (2.5) or a table cell (`\|`, GFM 4.10), and no line
 *   starts a block (`\#`, `\-`, `1\.`);
 * - html: `&`, `<`, `>`, `"` and `'` as entities, which are all that HTML text needs;
 * - code: nothing more; the fence is made longer than any backtick run in it (`codeFence`).
 * Mentions, references and links are broken with a zero-width space: `&#8203;` outside code, the
 * character itself in code (where GitHub links none of them, but a mention there still reads as one).
 */
export function markdownText(text: string, place: MarkdownPlace): string {
  const broken = printable(text).replace(GITHUB_LINKS, `$&${BREAK}`);
  if (place === 'code') return broken;
  const escaped = place === 'inline' ? broken.replace(MARKUP, '\\$&') : broken.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
  return escaped.replace(/\u200b/g, '&#8203;');
}

/**
 * A fenced code block of `lines` with `info` (such as `diff`): each line as markdownText's `code`, and a
 * fence of backticks longer than any run of backticks in them, so that no line closes it (4.5: a closing
 * fence is at least as long as the opening one). `info` must hold no backtick.
 */
export function codeFence(lines: readonly string[], info: string): string[] {
  const body = lines.map((l) => markdownText(l, 'code'));
  let longest = 0;
  for (const line of body) for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...body, fence];
}

/**
 * What a pull-request comment is kept below: GitHub refuses one over 65,536 characters, and the GitHub
 * Action (scripts/pr-comment.mjs) puts a marker line before the report and cuts anything over 65,000 at a
 * line, wherever that is. Counted in UTF-16 code units (JavaScript's length), never fewer than characters.
 */
export const COMMENT_LIMIT = 64_900;

/**
 * `parts` joined, or as many of them from the first as fit below `limit` together with `cut(n)`, the note
 * on the parts from the `n`th on that are left out. Each part is whole markdown blocks ending with a line
 * break, so a comment is cut only between blocks; the note should start with a blank line, which ends a
 * table or paragraph the last part kept may leave open.
 */
export function fitComment(parts: readonly string[], cut: (n: number) => string, limit = COMMENT_LIMIT): string {
  const whole = parts.join('');
  if (whole.length < limit) return whole;
  let kept = '';
  let n = 0;
  while (n < parts.length && kept.length + parts[n].length + cut(n + 1).length < limit) kept += parts[n++];
  return kept + cut(n);
}

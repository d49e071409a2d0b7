/**
 * The pull-request comment of `diff --format markdown` for a workspace of hostile names: its block
 * structure is the one the writer means, whatever the names. The checks are the rules of CommonMark
 * 0.31.2 and the GFM specification (cited by section), written out as assertions: no CommonMark renderer
 * is a dependency of this project. A second test renders the comment with markdown-it (a CommonMark
 * renderer that @vscode/vsce brings into node_modules) and reads the HTML with parse5.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { codeFence, markdownText } from '../../server/src/cli/markdown';
import { printable } from '../../server/src/cli/output';
import { check, tree } from '../support/folders';
import { HOSTILE_NAMES, hostileSample } from '../support/hostile-names';

/** Folder names for the two sides: the labels of the comment's heading. */
const BASE = 'before <!-- x';
const HEAD = 'after\n```\n<img src=x>';

/** Two versions of a workspace whose spaces, roles, teams, users and groups have hostile names. */
function sides(): string {
  const q = (s: string) => JSON.stringify(s);
  const root = tree({});
  for (const [side, extra] of [[BASE, ''], [HEAD, ', ReleaseCreate']] as const) {
    const dir = path.join(root, side);
    mkdirSync(dir, { recursive: true });
    HOSTILE_NAMES.forEach((h, i) => {
      writeFileSync(path.join(dir, `s${i}.space.yaml`), `name: ${q(`S ${h}`)}\n`);
      writeFileSync(path.join(dir, `r${i}.role.yaml`), `name: ${q(`R ${h}`)}\nspacePermissions: [ProjectView${extra}]\n`);
      const members = side === HEAD ? [`U ${h}`, `V ${h}`] : [`U ${h}`];
      writeFileSync(
        path.join(dir, `t${i}.team.yaml`),
        `name: ${q(`T ${h}`)}\nspace: ${q(`S ${h}`)}\nmembers: [${members.map(q).join(', ')}]\nexternalGroups: [${q(`G ${h}`)}]\nroles: [${q(`R ${h}`)}]\n`,
      );
    });
  }
  return root;
}

/** The HTML block that a line starts, by CommonMark 4.6's seven start conditions, or 0. */
function htmlBlockKind(line: string): number {
  if (/^ {0,3}<(?:pre|script|style|textarea)(?:\s|>|$)/i.test(line)) return 1;
  if (/^ {0,3}<!--/.test(line)) return 2;
  if (/^ {0,3}<\?/.test(line)) return 3;
  if (/^ {0,3}<![A-Za-z]/.test(line)) return 4;
  if (/^ {0,3}<!\[CDATA\[/.test(line)) return 5;
  const six = 'address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul';
  if (new RegExp(`^ {0,3}</?(?:${six})(?:\\s|/?>|$)`, 'i').test(line)) return 6;
  if (/^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*\s*\/?>|<\/[A-Za-z][A-Za-z0-9-]*\s*>)\s*$/.test(line)) return 7;
  return 0;
}

/** Text as GitHub shows it: backslash escapes (2.4) and the few entities the writer uses (2.5) resolved. */
const shownInline = (s: string) => s.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/&#8203;/g, '\u200b');
const shownHtml = (s: string) => s.replace(/&#8203;/g, '\u200b').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** What markdownText breaks with a zero-width space: mentions, references and bare links (GitHub's rules). */
const BROKEN = /[@#]|\bgh(?=-\d)|:(?=\/\/)|\bwww(?=\.)/gi;
/** The zero-width spaces markdownText puts in. */
const BREAKS = /(?<=[@#:]|\bgh|\bwww)\u200b/gi;

/** A GitHub mention, issue reference or bare link in text as shown. */
const LINKING = /(?:^|[^\w`])@[A-Za-z0-9]|#\d|\bGH-\d|:\/\/|\bwww\./i;

/** Characters that reorder or hide text, or drive a terminal: controls, format characters, separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

interface Blocks {
  heading: string[];
  paragraphs: string[];
  rows: string[][];
  html: string[];
  fences: { info: string; body: string[]; after: string[] }[];
}

/**
 * The comment's blocks by CommonMark's block rules, as far as this comment uses them: an ATX heading
 * (4.2), fenced code (4.5: closed by a fence of the same character at least as long, indented at most 3
 * spaces, nothing after it), HTML blocks (4.6: kind 6 ends at a blank line), GFM tables (4.10: a header
 * row, a delimiter row, rows until a blank line), paragraphs and list items.
 */
function blocksOf(md: string): Blocks {
  const lines = md.split('\n');
  const out: Blocks = { heading: [], paragraphs: [], rows: [], html: [], fences: [] };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      const close = new RegExp(`^ {0,3}${open[1][0] === '`' ? '`' : '~'}{${open[1].length},} *$`);
      const end = lines.findIndex((l, j) => j > i && close.test(l));
      assert.ok(end > i, `the fence opened on line ${i + 1} is closed`);
      out.fences.push({ info: open[2], body: lines.slice(i + 1, end), after: lines.slice(end + 1, end + 3) });
      i = end;
    } else if (htmlBlockKind(line)) {
      assert.equal(htmlBlockKind(line), 6, `line ${i + 1} starts an HTML block of kind 6, which ends at a blank line: ${line}`);
      for (; i < lines.length && lines[i] !== ''; i++) out.html.push(lines[i]);
    } else if (/^ {0,3}#{1,6}(?: |$)/.test(line)) out.heading.push(line);
    else if (line.startsWith('|')) {
      for (; i < lines.length && lines[i] !== ''; i++) {
        // 4.10: cells are split at pipes that are not backslash-escaped.
        const cells = lines[i].replace(/\\./g, '__').split('|');
        const at = [0];
        for (const c of cells) at.push(at[at.length - 1] + c.length + 1);
        out.rows.push(cells.map((_, k) => lines[i].slice(at[k], at[k + 1] - 1)).slice(1, -1));
      }
    } else if (line !== '') out.paragraphs.push(line);
  }
  return out;
}

describe('diff --format markdown: names cannot take over the pull-request comment', () => {
  it('keeps the structure: one heading, a table of four cells a row, balanced <details>, fences closed where meant', async () => {
    const root = sides();
    const r = await check(['diff', BASE, HEAD, '--format', 'markdown'], root);
    assert.equal(r.code, 3, r.stderr);
    const json = JSON.parse((await check(['diff', BASE, HEAD, '--format', 'json'], root)).stdout) as { objects: unknown[]; access: { principal: { kind: string; name: string } }[] };
    const b = blocksOf(r.stdout);

    assert.equal(b.heading.length, 1);
    assert.equal(shownInline(b.heading[0]), `### Octopus access: ${printable(BASE)} → ${printable(HEAD)}`);

    // A header row, the delimiter row, one row per changed object; every row has four cells.
    assert.equal(b.rows.length, 2 + json.objects.length);
    for (const row of b.rows) assert.equal(row.length, 4, row.join('|'));

    // The only HTML is the writer's: a <details><summary><b> line per block of principals that change
    // alike, and </details>. Each team gains ReleaseCreate with the member and group it had (one block, the
    // team first); each new member gains ProjectView too (a block of its own).
    const tags = b.html.flatMap((l) => [...l.matchAll(/<(\/?[A-Za-z][A-Za-z0-9-]*)|<!--|<\?|<!\[/g)].map((m) => m[1] ?? m[0]));
    assert.deepEqual([...new Set(tags)].sort(), ['/b', '/details', '/summary', 'b', 'details', 'summary']);
    const count = (t: string) => tags.filter((x) => x === t).length;
    const leads = json.access.filter((a) => a.principal.kind === 'team' || a.principal.name.startsWith('V '));
    assert.equal(count('details'), leads.length);
    assert.equal(count('/details'), leads.length);
    const shownName = (a: { principal: { kind: string; name: string } }, kind = true) =>
      // JSON carries the corpus's one lone surrogate (U+D800) as U+FFFD; the comment shows its escape.
      printable(`${kind ? `${a.principal.kind} ` : ''}${a.principal.name}`).replace(BROKEN, '$&\u200b').replace(/\ufffd/g, '\\ud800');
    const summaries = b.html.filter((l) => l.startsWith('<details>'));
    assert.deepEqual(summaries.map((l) => shownHtml(/<b>(.*)<\/b>/.exec(l)![1])).sort(), leads.map((a) => shownName(a)).sort(), 'each summary shows its principal, escaped and no more');
    // The members of each team that gain the same are named in one paragraph under its summary.
    const members = b.paragraphs.filter((p) => / gain the same: /.test(p)).map(shownInline);
    assert.equal(members.length, json.access.filter((a) => a.principal.kind === 'team').length);
    for (const a of json.access.filter((a) => a.principal.name.startsWith('U ') || a.principal.name.startsWith('G ')))
      assert.equal(members.filter((p) => p.includes(shownName(a, a.principal.kind !== 'user'))).length, 1, shownName(a));

    // One ```diff block per block of principals, each closed by its own fence, then a blank line and </details>.
    assert.equal(b.fences.length, leads.length);
    for (const f of b.fences) {
      assert.equal(f.info, 'diff');
      assert.deepEqual(f.after, ['', '</details>']);
      for (const line of f.body) assert.match(line, /^(?:[+-] |via )/, 'every line of a block is the writer\'s');
    }

    // Text a reader sees: no mention, reference or link, nothing invisible; code lines the same.
    const shown = [...b.heading, ...b.paragraphs, ...b.rows.flat()].map(shownInline).concat(b.html.map(shownHtml), b.fences.flatMap((f) => f.body));
    for (const text of shown) {
      assert.doesNotMatch(text, LINKING, text);
      assert.doesNotMatch(text.replace(BREAKS, ''), INVISIBLE, text);
    }
    // Names in inline text open no raw HTML (6.6), code span, emphasis, link or entity (but &#8203;).
    const named = [b.heading[0].slice('### '.length), ...b.rows.slice(2).flatMap((row) => row.slice(2)), ...b.paragraphs.filter((p) => / gain the same: /.test(p))];
    for (const text of named) {
      const bare = text.replace(/\\./g, '').replace(/<br>/g, '').replace(/&#8203;/g, '');
      assert.doesNotMatch(bare, /[<>`*_[\]&~|$]/, text);
    }
  });

  it('renders, with markdown-it and parse5, to the writer\'s elements only', async () => {
    const MarkdownIt = require('markdown-it') as new (options: object) => { render(src: string): string };
    const { parseFragment } = require('parse5') as { parseFragment(html: string): Node };
    interface Node {
      nodeName: string;
      value?: string;
      data?: string;
      childNodes?: Node[];
      attrs?: { name: string; value: string }[];
    }
    const root = sides();
    const r = await check(['diff', BASE, HEAD, '--format', 'markdown'], root);
    const html = new MarkdownIt({ html: true, linkify: true }).render(r.stdout);
    const elements = new Map<string, number>();
    const texts: string[] = [];
    const walk = (n: Node) => {
      if (n.nodeName === '#comment') assert.fail(`an HTML comment: ${n.data}`);
      if (n.nodeName === '#text') texts.push(n.value ?? '');
      else if (!n.nodeName.startsWith('#')) elements.set(n.nodeName, (elements.get(n.nodeName) ?? 0) + 1);
      for (const a of n.attrs ?? []) assert.ok(n.nodeName === 'code' && a.name === 'class' && a.value === 'language-diff', `${n.nodeName} ${a.name}=${a.value}`);
      for (const c of n.childNodes ?? []) walk(c);
    };
    walk(parseFragment(html));
    for (const name of elements.keys()) assert.ok(['h3', 'p', 'strong', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'br', 'details', 'summary', 'b', 'pre', 'code'].includes(name), `<${name}> from a name`);
    const json = JSON.parse((await check(['diff', BASE, HEAD, '--format', 'json'], root)).stdout) as { access: { principal: { kind: string; name: string } }[] };
    // A block per team (with its member and group, which gain the same) and one per new member.
    const blocks = json.access.filter((a) => a.principal.kind === 'team' || a.principal.name.startsWith('V ')).length;
    assert.equal(elements.get('details'), blocks);
    assert.equal(elements.get('pre'), blocks);
    for (const t of texts) assert.doesNotMatch(t, LINKING, t);
  });
});

describe('markdownText and codeFence', () => {
  const corpus = [...HOSTILE_NAMES, ...hostileSample(300)];

  it('never lets text span lines, open markup, or hold an invisible character', () => {
    for (const s of corpus) {
      for (const place of ['inline', 'html', 'code'] as const) {
        const out = markdownText(s, place);
        assert.doesNotMatch(out, /[\n\r]/, JSON.stringify(s));
        assert.doesNotMatch(out.replace(BREAKS, ''), INVISIBLE, `${place} ${JSON.stringify(s)}`);
      }
      assert.doesNotMatch(markdownText(s, 'inline').replace(/\\[\\`*_~[\]()!<>&|#+\-=.$]/g, '').replace(/&#8203;/g, ''), /[\\`*_~[\]()!<>&|#$]/, JSON.stringify(s));
      assert.doesNotMatch(markdownText(s, 'html').replace(/&(?:amp|lt|gt|quot|#39|#8203);/g, ''), /[<>&"']/, JSON.stringify(s));
    }
  });

  it('shows the text itself: the printable form, with mentions, references and links broken', () => {
    for (const s of corpus) {
      const visible = printable(s).replace(BROKEN, '$&\u200b');
      assert.equal(shownInline(markdownText(s, 'inline')), visible, JSON.stringify(s));
      assert.equal(shownHtml(markdownText(s, 'html')), visible, JSON.stringify(s));
      assert.equal(markdownText(s, 'code'), visible, JSON.stringify(s));
    }
  });

  it('makes a fence longer than any backtick run in the block', () => {
    const block = codeFence(['+ a ``` b', '- ````` c', '`'], 'diff');
    assert.equal(block[0], '``````diff');
    assert.equal(block[block.length - 1], '``````');
    assert.deepEqual(codeFence(['plain'], 'diff'), ['```diff', 'plain', '```']);
  });
});

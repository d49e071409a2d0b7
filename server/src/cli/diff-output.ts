/**
 * How `diff` reports (the comparison itself is the service's, features/diff.ts): the roles, teams and
 * spaces that changed, and the access gained and lost, as text or as markdown for a pull-request comment.
 * Both are sized for a review: principals that change alike in one block, records by their sources
 * (diff-groups.ts), and the notes on what was not counted once when both sides have the same; the markdown
 * stays below GitHub's comment limit, saying what it leaves out. The JSON has every record.
 */
import type { AccessDelta, AccessNote, DiffResult, ObjectChange } from '../service';
import { noteText, type Located, type Places } from './access-output';
import { changeBlocks, changeVerb, countOf, namesOf, sourceGroups, type ChangeBlock } from './diff-groups';
import { codeFence, COMMENT_LIMIT, fitComment, markdownText } from './markdown';
import { printable } from './output';

const KIND_ORDER = { role: 0, team: 1, space: 2 } as const;

function sortedObjects(objects: readonly ObjectChange[]): ObjectChange[] {
  return [...objects].sort((x, y) => (x.module ?? '').localeCompare(y.module ?? '') || KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || x.name.localeCompare(y.name));
}

/** One side of a diff as the text and markdown show it. */
export interface ShownSide {
  readonly label: string;
  readonly places: Places;
  /** What its modules' effective access could not count. */
  readonly notes: readonly AccessNote[];
}

/** The two sides of a diff. */
export interface ShownSides {
  readonly base: ShownSide;
  readonly head: ShownSide;
}

const inModule = (module: string | undefined) => (module === undefined ? '' : ` (module ${module})`);

const NOT_COUNTED = '(computed in Terraform modules, known only when Terraform runs)';

/**
 * The notes of both sides: those both sides have once, under one heading, then each side's own under its
 * heading. Headings are the strings of `out` that follow an empty one; the notes start with `indent`.
 */
function notesLines(sides: ShownSides, indent: string): string[] {
  const base = sides.base.notes.map((n) => noteText(n, sides.base.places, indent));
  const head = sides.head.notes.map((n) => noteText(n, sides.head.places, indent));
  const both = base.filter((n) => head.includes(n));
  const out: string[] = [];
  const section = (label: string, lines: readonly string[]) => {
    if (lines.length) out.push('', `Not counted in ${label} ${NOT_COUNTED}:`, ...lines);
  };
  section(`${sides.base.label} and ${sides.head.label}`, both);
  section(sides.base.label, base.filter((n) => !both.includes(n)));
  section(sides.head.label, head.filter((n) => !both.includes(n)));
  return out;
}

/** A principal as a block's heading names it. */
const principalName = (a: AccessDelta) => `${a.principal.kind} ${a.principal.name}${inModule(a.principal.module)}`;

/**
 * "3 members of Payments/Release Managers gain the same: alice, bob, carol", for a team's block; past
 * `most` names, how many more.
 */
function membersLine(block: ChangeBlock, most = Infinity): string {
  const n = block.others.length;
  return `${n} member${n === 1 ? '' : 's'} of ${block.team!.principal.name} ${changeVerb(block, n)} the same: ${namesOf(block.others, most)}`;
}

/** A block's heading: its team, its one principal, or how many principals change alike and who (`most` names). */
function blockHeading(block: ChangeBlock, most = Infinity): string {
  if (block.team) return `${principalName(block.team)}:`;
  if (block.others.length === 1) return `${principalName(block.others[0])}:`;
  return `${countOf(block.others)}${inModule(block.others[0].principal.module)} ${changeVerb(block, block.others.length)} the same: ${namesOf(block.others, most)}`;
}

/**
 * The most names a block of the markdown lists: a change to a team of thousands stays one block that fits
 * in a comment, saying how many more gain the same (the JSON names them all).
 */
const MOST_NAMES = 200;

/**
 * A block's records as lines: each group of sources, then its records under it, indented as given (in a
 * `diff` fence the records start their lines, so that `+` and `-` mark them).
 */
function blockLines(block: ChangeBlock, sides: ShownSides, indent: { sources: string; records: string }): string[] {
  const out: string[] = [];
  const groups = (grants: ChangeBlock['gains'], sign: '+ ' | '- ', where: (uri: string | undefined) => Located) => {
    for (const g of sourceGroups(grants, sign, where)) out.push(...g.sources.map((s) => indent.sources + s), ...g.lines.map((l) => indent.records + l));
  };
  groups(block.gains, '+ ', sides.head.places.where);
  groups(block.losses, '- ', sides.base.places.where);
  return out;
}

/** The diff as text for a terminal, every line printable. */
export function diffText(r: DiffResult, sides: ShownSides): string {
  const out: string[] = [`Changes from ${sides.base.label} to ${sides.head.label}`];
  if (!r.objects.length) out.push('', 'No role, team or space changed.');
  else {
    out.push('');
    for (const o of sortedObjects(r.objects)) {
      out.push(`  ${o.change} ${o.kind} ${o.name}${inModule(o.module)}`);
      for (const d of o.details) out.push(`    ${d}`);
    }
  }
  out.push('');
  if (!r.access.length) out.push("Nobody's access changed.");
  for (const block of changeBlocks(r.access)) {
    out.push(blockHeading(block), ...blockLines(block, sides, { sources: '  ', records: '    ' }));
    if (block.team && block.others.length) out.push(`  ${membersLine(block)}`);
  }
  out.push(...notesLines(sides, '  '));
  return out.map(printable).join('\n') + '\n';
}

const md = (s: string) => markdownText(s, 'inline');
const html = (s: string) => markdownText(s, 'html');

/** A block as markdown: a `<details>` whose summary names who and counts, the records in a `diff` fence. */
function blockMarkdown(block: ChangeBlock, sides: ShownSides): string[] {
  const counts = `+${block.gains.length} / −${block.losses.length}`;
  const lead = block.team ?? block.others[0];
  const who = block.team || block.others.length === 1 ? principalName(lead) : `${countOf(block.others)}${inModule(lead.principal.module)}`;
  const members = block.team && block.others.length ? ` and ${block.others.length} member${block.others.length === 1 ? '' : 's'}` : '';
  const out = [`<details><summary><b>${html(who)}</b>${html(members)}: ${counts}</summary>`, ''];
  if (block.team && block.others.length) out.push(md(membersLine(block, MOST_NAMES)), '');
  else if (!block.team && block.others.length > 1) out.push(md(blockHeading(block, MOST_NAMES)), '');
  out.push(...codeFence(blockLines(block, sides, { sources: '', records: '' }), 'diff'), '', '</details>');
  return out;
}

/** What a cut comment leaves out, counted; `parts` are what each part of the comment holds. */
interface PartHolds {
  readonly objects: number;
  readonly principals: number;
  readonly gains: number;
  readonly losses: number;
  readonly notes: boolean;
}

const NOTHING: PartHolds = { objects: 0, principals: 0, gains: 0, losses: 0, notes: false };

/** The note that ends a cut comment: what it leaves out, by count, and where all of it is. */
function cutNote(left: readonly PartHolds[]): string {
  const sum = (f: (p: PartHolds) => number) => left.reduce((n, p) => n + f(p), 0);
  const [objects, principals, gains, losses] = [sum((p) => p.objects), sum((p) => p.principals), sum((p) => p.gains), sum((p) => p.losses)];
  const what: string[] = [];
  if (objects) what.push(`${objects} role, team or space change${objects === 1 ? '' : 's'}`);
  if (principals) what.push(`the access changes of ${principals} principal${principals === 1 ? '' : 's'} (${gains} gained record${gains === 1 ? '' : 's'}, ${losses} lost)`);
  if (left.some((p) => p.notes)) what.push('the notes on what was not counted');
  return `\n**Cut to fit a GitHub comment.** Left out: ${what.join('; ')}. Run \`octopus-roles diff\` with \`--format json\` for the whole comparison.\n`;
}

/**
 * The table of changed roles, teams and spaces, a part per row, within half a comment: the access changes
 * after it are what a reviewer most needs. Rows past that are counted in a line under the table.
 */
function tableParts(objects: readonly ObjectChange[]): { text: string[]; holds: PartHolds }[] {
  const sign = { added: '➕', removed: '➖', changed: '✏️' } as const;
  const parts: { text: string[]; holds: PartHolds }[] = [];
  let size = 0;
  const rows = sortedObjects(objects);
  for (const [i, o] of rows.entries()) {
    const row = `| ${sign[o.change]} | ${o.kind} | ${md(o.name + inModule(o.module))} | ${o.details.map(md).join('<br>')} |`;
    size += row.length + 1;
    if (size > COMMENT_LIMIT / 2 && i > 0) {
      const n = rows.length - i;
      parts.push({ text: ['', `*${n} more role, team or space change${n === 1 ? ' is' : 's are'} left out here: \`--format json\` has every change.*`], holds: NOTHING });
      break;
    }
    parts.push({ text: [...(i === 0 ? ['| | kind | name | details |', '| --- | --- | --- | --- |'] : []), row], holds: { ...NOTHING, objects: 1 } });
  }
  if (parts.length) parts[parts.length - 1].text.push('');
  return parts;
}

/**
 * The diff as markdown, for a pull-request comment, below GitHub's limit on a comment's length. `lead` is
 * markdown lines placed first, after the heading (a section such as policy results, ending with an empty
 * line), counted within the limit;
 * when the rest does not fit, whole blocks are left out from the end and counted in a closing note.
 */
export function diffMarkdown(r: DiffResult, sides: ShownSides, lead: readonly string[] = []): string {
  const head = [`### Octopus access: ${md(sides.base.label)} → ${md(sides.head.label)}`, '', ...lead];
  const gained = r.access.filter((a) => a.gains.length).length;
  const lost = r.access.filter((a) => a.losses.length).length;
  const count = (n: number, verb: string) => `**${n}** principal${n === 1 ? ` ${verb}s` : `s ${verb}`}`;
  head.push(r.access.length ? `${count(gained, 'gain')} access, ${count(lost, 'lose')} access.` : "Nobody's access changes.", '');
  const parts: { text: string[]; holds: PartHolds }[] = [{ text: head, holds: NOTHING }];
  parts.push(...tableParts(r.objects));
  for (const block of changeBlocks(r.access)) {
    const principals = (block.team ? 1 : 0) + block.others.length;
    parts.push({ text: blockMarkdown(block, sides), holds: { ...NOTHING, principals, gains: principals * block.gains.length, losses: principals * block.losses.length } });
  }
  const notes = notesLines(sides, '- ');
  if (notes.length) parts.push({ text: notes.map((l) => (l.startsWith('- ') ? `- ${md(l.slice(2))}` : md(l))), holds: { ...NOTHING, notes: true } });
  return fitComment(
    parts.map((p) => p.text.join('\n') + '\n'),
    (n) => cutNote(parts.slice(n).map((p) => p.holds)),
  );
}

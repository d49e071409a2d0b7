/**
 * How `diff` reports (the comparison itself is the service's, features/diff.ts): the roles, teams and
 * spaces that changed, and the access each principal gains and loses, as text or as markdown for a
 * pull-request comment.
 */
import type { AccessNote, DiffResult, ObjectChange } from '../service';
import { grantText, noteText, type Places } from './access-output';
import { codeFence, markdownText } from './markdown';
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

const inModule = (module: string | undefined) => (module === undefined ? '' : ` (module ${module})`);

/** The notes of both sides, under a heading each: what a module's computed values kept out of the diff. */
function notesLines(sides: { base: ShownSide; head: ShownSide }, indent: string): string[] {
  const out: string[] = [];
  for (const side of [sides.base, sides.head]) {
    if (!side.notes.length) continue;
    out.push('', `Not counted in ${side.label} (computed in Terraform modules, known only when Terraform runs):`);
    for (const n of side.notes) out.push(noteText(n, side.places, indent));
  }
  return out;
}

/** The diff as text for a terminal, every line printable. */
export function diffText(r: DiffResult, sides: { base: ShownSide; head: ShownSide }): string {
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
  for (const a of r.access) {
    out.push(`${a.principal.kind} ${a.principal.name}${inModule(a.principal.module)}:`);
    for (const g of a.gains) out.push(...grantText(g, sides.head.places.where, '  + ', true));
    for (const g of a.losses) out.push(...grantText(g, sides.base.places.where, '  - ', true));
  }
  out.push(...notesLines(sides, '  '));
  return out.map(printable).join('\n') + '\n';
}

const md = (s: string) => markdownText(s, 'inline');
const html = (s: string) => markdownText(s, 'html');

/** The diff as markdown, for a pull-request comment. */
export function diffMarkdown(r: DiffResult, sides: { base: ShownSide; head: ShownSide }): string {
  const out: string[] = [`### Octopus access: ${md(sides.base.label)} → ${md(sides.head.label)}`, ''];
  const gained = r.access.filter((a) => a.gains.length).length;
  const lost = r.access.filter((a) => a.losses.length).length;
  const count = (n: number, verb: string) => `**${n}** principal${n === 1 ? ` ${verb}s` : `s ${verb}`}`;
  out.push(r.access.length ? `${count(gained, 'gain')} access, ${count(lost, 'lose')} access.` : "Nobody's access changes.", '');
  if (r.objects.length) {
    out.push('| | kind | name | details |', '| --- | --- | --- | --- |');
    const sign = { added: '➕', removed: '➖', changed: '✏️' } as const;
    for (const o of sortedObjects(r.objects)) out.push(`| ${sign[o.change]} | ${o.kind} | ${md(o.name + inModule(o.module))} | ${o.details.map(md).join('<br>')} |`);
    out.push('');
  }
  for (const a of r.access) {
    out.push(`<details><summary><b>${html(a.principal.kind)} ${html(a.principal.name + inModule(a.principal.module))}</b>: +${a.gains.length} / −${a.losses.length}</summary>`, '');
    const lines: string[] = [];
    for (const g of a.gains) lines.push(...grantText(g, sides.head.places.where, '+ ', true));
    for (const g of a.losses) lines.push(...grantText(g, sides.base.places.where, '- ', true));
    out.push(...codeFence(lines, 'diff'), '', '</details>');
  }
  const notes = notesLines(sides, '- ');
  if (notes.length) out.push(...notes.map((l) => (l.startsWith('- ') ? `- ${md(l.slice(2))}` : md(l))));
  return out.join('\n') + '\n';
}

/**
 * What `diff` reports: the roles, teams and spaces that changed (compared by name, as Octopus identifies
 * them), and the access each principal gains and loses, as text or as markdown for a pull-request comment.
 */
import { DIMENSIONS, type AccessNote, type Doc, type Grant, type ModelIndex, type NameList, type RoleDoc, type SpaceDoc, type TeamDoc } from '../service';
import { grantText, noteText, type Places } from './access-output';
import { codeFence, markdownText } from './markdown';
import { printable } from './output';

export interface ObjectChange {
  readonly kind: 'role' | 'team' | 'space';
  readonly name: string;
  /** The Terraform module it is in (a path relative to the side's root); absent in the YAML model. */
  readonly module?: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly details: readonly string[];
}

export interface AccessDelta {
  readonly principal: { readonly kind: string; readonly name: string; readonly module?: string };
  readonly gains: readonly Grant[];
  readonly losses: readonly Grant[];
}

export interface DiffResult {
  readonly objects: readonly ObjectChange[];
  readonly access: readonly AccessDelta[];
}

const lower = (s: string) => s.trim().toLowerCase();

/**
 * Every named document of a workspace, by model, kind and identity (a team's identity includes its
 * space); a module's documents carry the module's path, shown as `moduleOf` says.
 */
function docsOf(ws: ModelIndex, moduleOf: (module: string) => string | undefined): Map<string, { doc: Doc; module?: string }> {
  const out = new Map<string, { doc: Doc; module?: string }>();
  for (const uri of [...ws.uris()].sort()) {
    const model = ws.model(uri);
    if (!model) continue;
    const module = model.module === undefined ? undefined : moduleOf(model.module);
    if (model.module !== undefined && module === undefined) continue;
    const docs = module === undefined ? model.docs : moduleDocs(ws, uri);
    for (const doc of docs) {
      if (!doc.name) continue;
      const key = `${module ?? ''}\u0000${doc.kind}\u0000${doc.kind === 'team' && doc.space ? lower(doc.space.value) + '/' : ''}${lower(doc.name.value)}`;
      const known = out.get(key);
      if (!known) out.set(key, { doc, ...(module !== undefined ? { module } : {}) });
      // A module's team is its resource and the scoped user roles that target it: their assignments join.
      else if (module !== undefined && known.doc.kind === 'team' && doc.kind === 'team') {
        out.set(key, { doc: { ...known.doc, assignments: [...known.doc.assignments, ...doc.assignments], members: known.doc.members ?? doc.members, externalGroups: known.doc.externalGroups ?? doc.externalGroups }, module });
      }
    }
  }
  return out;
}

/**
 * A module file's documents as its rules read them (a scoped user role as an assignment of the team it
 * targets), with each assignment's role by name rather than by address.
 */
function moduleDocs(ws: ModelIndex, uri: string): Doc[] {
  const view = ws.forFile(uri);
  return (view.analysed(uri)?.docs ?? []).map((doc) => {
    if (doc.kind !== 'team') return doc;
    // Field by field, not by spreads: the workspace's model objects make their spans when read (model/compact.ts).
    const assignments = doc.assignments.map((a) => ({
      role: { value: view.resolveRole(a.role.value)?.name ?? a.role.value, span: a.role.span, computed: a.role.computed },
      span: a.span,
      space: a.space,
      spaceKey: a.spaceKey,
      restrictions: a.restrictions,
    }));
    return Object.assign(Object.create(Object.getPrototypeOf(doc) as object) as TeamDoc, doc, { assignments });
  });
}

const values = (list: NameList | undefined): string[] => list?.items.map((i) => i.value) ?? [];

/** What was added to and removed from a list; items that hold commas get a line each. */
function listDelta(what: string, before: readonly string[], after: readonly string[], out: string[], each = false): void {
  const b = new Set(before);
  const a = new Set(after);
  const added = [...a].filter((x) => !b.has(x));
  const removed = [...b].filter((x) => !a.has(x));
  for (const [items, verb] of [[added, 'added'], [removed, 'removed']] as const) {
    if (!items.length) continue;
    if (each) for (const item of items) out.push(`${what} ${verb}: ${item}`);
    else out.push(`${what} ${verb}: ${items.join(', ')}`);
  }
}

function assignmentsOf(team: TeamDoc): string[] {
  return team.assignments.map((a) => {
    const parts = [a.role.value];
    if (a.space) parts.push(`in space ${a.space.value}`);
    for (const r of [...a.restrictions].sort((x, y) => x.dimension.localeCompare(y.dimension))) parts.push(`${r.dimension}: ${[...new Set(values(r.list))].sort().join(', ')}`);
    return parts.join('; ');
  });
}

function details(before: Doc, after: Doc): string[] {
  const out: string[] = [];
  if (before.kind === 'role' && after.kind === 'role') {
    const b = before as RoleDoc;
    const a = after as RoleDoc;
    listDelta('space permission', values(b.spacePermissions), values(a.spacePermissions), out);
    listDelta('system permission', values(b.systemPermissions), values(a.systemPermissions), out);
    if ((b.builtIn?.value ?? false) !== (a.builtIn?.value ?? false)) out.push(a.builtIn?.value ? "now the server's version of a built-in role" : "no longer the server's version of a built-in role");
  } else if (before.kind === 'team' && after.kind === 'team') {
    listDelta('member', values(before.members), values(after.members), out);
    listDelta('external group', values(before.externalGroups), values(after.externalGroups), out);
    listDelta('role assignment', assignmentsOf(before), assignmentsOf(after), out, true);
  } else if (before.kind === 'space' && after.kind === 'space') {
    const b = before as SpaceDoc;
    const a = after as SpaceDoc;
    for (const d of DIMENSIONS) listDelta(d, values(b.scopes[d]), values(a.scopes[d]), out);
    listDelta('manager', values(b.managers?.members), values(a.managers?.members), out);
    listDelta('managing team', values(b.managers?.teams), values(a.managers?.teams), out);
  }
  return out;
}

/** A document of the same kind and name with nothing in it: what an added document is compared with. */
function blank(doc: Doc): Doc {
  const base = { uri: doc.uri, index: doc.index, span: doc.span, name: doc.name, keys: new Map() };
  switch (doc.kind) {
    case 'role':
      return { ...base, kind: 'role' };
    case 'team':
      return { ...base, kind: 'team', space: doc.space, assignments: [] };
    case 'space':
      return { ...base, kind: 'space', scopes: {} };
  }
}

/**
 * The roles, teams and spaces added, removed or changed between two workspaces; `modules` shows each
 * side's modules as paths relative to its root, so that the two sides' modules meet (undefined: the
 * module's documents are left out).
 */
export function objectChanges(
  base: ModelIndex,
  head: ModelIndex,
  modules: { base: (m: string) => string | undefined; head: (m: string) => string | undefined } = { base: (m) => m, head: (m) => m },
): ObjectChange[] {
  const b = docsOf(base, modules.base);
  const a = docsOf(head, modules.head);
  const out: ObjectChange[] = [];
  const nameOf = (d: Doc) => (d.kind === 'team' && d.space ? `${d.space.value}/${d.name!.value.trim()}` : d.name!.value);
  for (const key of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const before = b.get(key);
    const after = a.get(key);
    const { doc, module } = (after ?? before)!;
    const where = { kind: doc.kind, name: nameOf(doc), ...(module !== undefined ? { module } : {}) };
    if (!before) out.push({ ...where, change: 'added', details: details(blank(doc), doc) });
    else if (!after) out.push({ ...where, change: 'removed', details: [] });
    else {
      const d = details(before.doc, after.doc);
      if (d.length) out.push({ ...where, change: 'changed', details: d });
    }
  }
  return out;
}

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

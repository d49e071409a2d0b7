/**
 * The fix API rules use: what a rule's fix builder gets (rules/*.ts `fixes`), and the small helpers
 * several of them share. The engine that offers, verifies and applies fixes is edits/fixes.ts.
 */
import type { ModelIndex } from '../model/workspace';
import type { Assignment, Diagnostic, DiagnosticData, Doc, FileModel, Name, NameList, PermissionListKey, RoleDoc, Span, TeamDoc } from '../model/types';
import type { Terms } from '../model/fields';
import type { SyntaxEdits } from '../model/frontend';
import type { TextEdit, WorkspaceChange } from '../util/edit';

export interface FixContext<D extends DiagnosticData = DiagnosticData> {
  readonly ws: ModelIndex;
  readonly uri: string;
  readonly text: string;
  readonly model: FileModel;
  readonly diagnostic: Diagnostic;
  /** The diagnostic's `data` (empty when it has none). */
  readonly data: D;
  /** The document the diagnostic is in. */
  readonly doc: Doc | undefined;
  /** Edits in the syntax of the file. */
  readonly syntax: SyntaxEdits;
  /** How the file's syntax words fields, for titles. */
  readonly terms: Terms;
  /** False when the client cannot create files. */
  readonly createFiles: boolean;
  /**
   * Offers a fix. Edits to this file may be given as a list (the fix is left out when one is missing or
   * two overlap), or a whole workspace change. The first fix offered as `preferred` is the rule's preferred
   * fix (the first fix when none is): the one fix-all may apply when the rule says it is safe.
   */
  add(title: string, edits: readonly (TextEdit | undefined)[] | WorkspaceChange | undefined, preferred?: boolean): void;
}

export const same = (a: Span, b: Span): boolean => a.start === b.start && a.end === b.end;

/** Code action titles are plain text (editors do not render Markdown there): names go in quotes. */
export const q = (s: string): string => `'${s}'`;

/** The team a diagnostic is in, if it is in one. */
export function teamOf(ctx: FixContext): TeamDoc | undefined {
  return ctx.doc?.kind === 'team' ? ctx.doc : undefined;
}

/** The permission of a role whose span is `span`, with its list. */
export function permissionAt(doc: Doc | undefined, span: Span): { list: NameList; key: PermissionListKey; item: Name; doc: RoleDoc } | undefined {
  if (doc?.kind !== 'role') return undefined;
  for (const key of ['spacePermissions', 'systemPermissions'] as const) {
    const list = doc[key];
    const item = list?.items.find((i) => same(i.span, span));
    if (list && item) return { list, key, item, doc };
  }
  return undefined;
}

/** The assignment whose role reference is at `span`. */
export function assignmentByRole(team: TeamDoc | undefined, span: Span): Assignment | undefined {
  return team?.assignments.find((a) => same(a.role.span, span));
}

/** Offers each candidate in place of the name the diagnostic marks, the first preferred. */
export function replaceWithCandidates(ctx: FixContext<{ candidates?: string[] }>): void {
  const candidates = ctx.data.candidates ?? [];
  candidates.forEach((c, i) => ctx.add(`Change to ${q(c)}`, ctx.syntax.replaceNames(ctx.text, [ctx.diagnostic.span], c), i === 0));
}

/** Offers to remove an assignment from its team. */
export function removeAssignment(ctx: FixContext, team: TeamDoc, a: Assignment): void {
  ctx.add(`Remove ${q(a.role.value)} from ${team.name ? q(team.name.value) : 'this team'}`, [ctx.syntax.removeItem(ctx.text, a.span)]);
}

/**
 * Offers to make a space team a system team: its `space` moves onto every assignment that needs one, so
 * each role still applies where it did. Assignments of system-only roles lose what only made sense in a
 * space (a `space`, restrictions), because at the system level Octopus accepts neither.
 */
export function makeSystemTeam(ctx: FixContext, team: TeamDoc, preferred: boolean): void {
  const { ws, text, syntax } = ctx;
  const spaceKey = team.keys.get('space');
  if (!team.space || !spaceKey || !team.name) return;
  // Not when the space is unknown (every assignment would then repeat that error) or when a system
  // team of that name exists already.
  if (ws.declaresSpaces && !ws.resolveSpace(team.space.value)) return;
  if (ws.teamDefinitions(team.name.value, undefined).length > 0) return;
  const edits: (TextEdit | undefined)[] = [syntax.removeField(text, spaceKey)];
  for (const a of team.assignments) {
    const role = ws.resolveRole(a.role.value);
    if (role?.shape === 'system-only') {
      if (a.spaceKey) edits.push(syntax.removeField(text, a.spaceKey));
      for (const r of a.restrictions) edits.push(syntax.removeField(text, r.list.key));
    } else if (!a.space) {
      edits.push(syntax.addAssignmentField(text, a, 'space', team.space.value, team.space.span));
    }
  }
  ctx.add(`Make ${q(team.name.value)} a system team (its roles keep space ${q(team.space.value)})`, edits, preferred);
}

/** Offers a new file holding one role or space, beside the other files of that kind nearest to this one. */
export function createFile(ctx: FixContext, kind: 'role' | 'space', name: string, fields: Parameters<SyntaxEdits['newDocument']>[1], title: string): void {
  const { ws, uri, syntax } = ctx;
  if (!ctx.createFiles) return;
  const dirOf = (u: string) => u.slice(0, u.lastIndexOf('/') + 1);
  const suffix = syntax.fileSuffix(kind);
  let dir = dirOf(uri);
  let best = -1;
  for (const u of ws.uris()) {
    if (ws.syntaxOf(u)?.kindOf(u) !== kind) continue;
    const d = dirOf(u);
    let common = 0;
    while (common < d.length && common < uri.length && d[common] === uri[common]) common++;
    if (common > best || (common === best && d < dir)) {
      best = common;
      dir = d;
    }
  }
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || kind;
  let target = `${dir}${encodeURIComponent(slug)}${suffix}`;
  for (let n = 2; ws.has(target); n++) target = `${dir}${encodeURIComponent(slug)}-${n}${suffix}`;
  ctx.add(title, { edits: new Map(), creates: new Map([[target, syntax.newDocument(name, fields)]]) });
}

/**
 * Navigation: go to definition, find references, rename, the document outline and workspace symbols.
 *
 * What a name refers to follows the checker (workspace.ts): a role reference means the role with that
 * exact name, and a built-in role wins over a custom role of the same name; a space reference means the
 * space with that exact name. So a custom role that shadows a built-in one has a definition but no
 * references: every assignment spelling that name gets the built-in role. Several definitions of one
 * exact name (a `duplicate-name` error) are treated as one thing: definition lists them all and a
 * rename renames them all, so that the rename cannot turn the duplicates into two different roles.
 *
 * Decisions where editors differ:
 * - Definition on a definition answers with the definition(s) themselves. VS Code then runs its
 *   alternative command (find references) when the answer is where the cursor already is.
 * - References of a permission are the roles that list it; a permission has no declaration.
 * - A team has no references (nothing refers to a team), so its references are its declaration.
 * - Rename refuses built-in roles and permissions, names of nothing defined (an unknown role is a typo
 *   for a quick fix to correct), and new names that collide with another role, space or team.
 */
import { getBuiltinRole, getBuiltinRoleIgnoreCase } from '../catalog';
import type { TextEdit, WorkspaceChange } from '../util/edit';
import type { CancelToken } from '../util/cancel';
import { targetAt } from './locate';
import { policyDefinition, policyRenames } from './policy';
import type { FileModel, Name, RoleDoc, SpaceDoc, Span, TeamDoc } from '../model/types';
import type { Located } from '../model/roles';
import type { ModelIndex } from '../model/workspace';

/** A span of a file. */
export interface SourceLocation {
  readonly uri: string;
  readonly span: Span;
}

/** The longest name Octopus accepts (as `invalid-value` checks for `name`). */
const MAX_NAME_LENGTH = 200;
/** The most workspace symbols one query returns. */
export const MAX_WORKSPACE_SYMBOLS = 1000;

const lower = (s: string): string => s.toLowerCase();

/** What a navigation request is about: one thing, however many places name it. */
type Subject =
  | {
      readonly kind: 'role';
      readonly name: string;
      /** References by this name mean a built-in role (the cursor is not on a shadowing definition). */
      readonly builtin: boolean;
      /** The custom definitions with exactly this name; none for a built-in role. */
      readonly declarations: readonly Located<RoleDoc>[];
      /** False for a custom role that a built-in role shadows: no assignment means it. */
      readonly referenced: boolean;
    }
  | { readonly kind: 'space'; readonly name: string; readonly declarations: readonly Located<SpaceDoc>[] }
  | { readonly kind: 'team'; readonly name: string; readonly team: Located<TeamDoc> }
  | { readonly kind: 'permission'; readonly name: string };

function subjectAt(ws: ModelIndex, uri: string, offset: number): { subject: Subject; name: Name } | undefined {
  const model = ws.model(uri);
  if (!model) return undefined;
  const target = targetAt(model, offset);
  if (!target) return undefined;
  const name = target.name;
  const value = name.value;
  switch (target.type) {
    case 'role-definition':
    case 'role-reference': {
      const declarations = ws.roleDefinitions(value).filter((d) => d.doc.name!.value === value);
      const shadowed = getBuiltinRole(value) !== undefined;
      if (target.type === 'role-reference' && shadowed) {
        return { name, subject: { kind: 'role', name: value, builtin: true, declarations: [], referenced: true } };
      }
      return { name, subject: { kind: 'role', name: value, builtin: false, declarations, referenced: !shadowed } };
    }
    case 'space-definition':
    case 'space-reference':
      return { name, subject: { kind: 'space', name: value, declarations: ws.spaceDefinitions(value).filter((d) => d.doc.name!.value === value) } };
    case 'team':
      return { name, subject: { kind: 'team', name: value, team: { uri, doc: target.doc } } };
    case 'permission':
      return { name, subject: { kind: 'permission', name: value } };
    case 'member':
    case 'group':
      return undefined;
  }
}

/** The names of the definitions a subject has. */
function declarationsOf(subject: Subject): SourceLocation[] {
  switch (subject.kind) {
    case 'role':
    case 'space':
      return subject.declarations.map((d) => ({ uri: d.uri, span: d.doc.name!.span }));
    case 'team':
      return [{ uri: subject.team.uri, span: subject.team.doc.name!.span }];
    case 'permission':
      return [];
  }
}

/** Every place that refers to a subject, declarations not included, ordered by file and offset. */
function referencesOf(ws: ModelIndex, subject: Subject, token?: CancelToken): SourceLocation[] {
  const out: SourceLocation[] = [];
  switch (subject.kind) {
    case 'role':
      if (!subject.referenced) break;
      for (const uri of sorted(ws.roleReferrers(subject.name))) {
        if (token?.isCancellationRequested) break;
        for (const team of teamsOf(ws.model(uri))) {
          for (const a of team.assignments) if (a.role.value === subject.name) out.push({ uri, span: a.role.span });
        }
      }
      break;
    case 'space':
      for (const uri of sorted(ws.spaceReferrers(subject.name))) {
        if (token?.isCancellationRequested) break;
        for (const team of teamsOf(ws.model(uri))) {
          for (const n of spaceNamesOf(team)) if (n.value === subject.name) out.push({ uri, span: n.span });
        }
      }
      break;
    case 'permission':
      for (const uri of sorted(ws.uris())) {
        if (token?.isCancellationRequested) break;
        const model = ws.model(uri);
        if (!model) continue;
        for (const doc of model.docs) {
          if (doc.kind !== 'role') continue;
          for (const list of [doc.spacePermissions, doc.systemPermissions]) {
            for (const item of list?.items ?? []) if (item.value === subject.name) out.push({ uri, span: item.span });
          }
        }
      }
      break;
    case 'team':
      break;
  }
  return out;
}

function sorted(uris: Iterable<string>): string[] {
  return [...uris].sort();
}

function teamsOf(model: FileModel | undefined): TeamDoc[] {
  return model ? model.docs.filter((d): d is TeamDoc => d.kind === 'team') : [];
}

/** A team's `space` and its assignments' `space` values. */
function spaceNamesOf(team: TeamDoc): Name[] {
  const names: Name[] = [];
  if (team.space) names.push(team.space);
  for (const a of team.assignments) if (a.space) names.push(a.space);
  return names;
}

/** Drops repeated places (an alias makes several model names share one source span), keeping order. */
function unique(locations: readonly SourceLocation[]): SourceLocation[] {
  const seen = new Set<string>();
  return locations.filter((l) => {
    const key = `${l.uri}\u0000${l.span.start}\u0000${l.span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Go to definition at `offset` of `uri`: for a role reference, the name of the custom role it resolves
 * to (nothing for a built-in or unknown role); for a space reference, the space's name; on a role,
 * space or team name, that name itself (and any other definition of exactly that name). Several
 * results when a name is defined more than once.
 */
export function definition(ws: ModelIndex, uri: string, offset: number): SourceLocation[] {
  if (ws.model(uri)?.kind === 'policy') return unique(policyDefinition(ws, uri, offset) ?? []);
  const found = subjectAt(ws, uri, offset);
  if (!found) return [];
  const { subject } = found;
  if (subject.kind === 'role' && subject.builtin) return [];
  return unique(declarationsOf(subject));
}

/**
 * Find references at `offset` of `uri`. For a role (from its definition or any reference): every
 * assignment naming it, in every team file, open or not; for a space: every team `space:` and
 * assignment `space:` naming it; for a permission: every role listing it, in either list; for a team:
 * its declaration only. `includeDeclaration` adds the definitions' names first. Once `token` is
 * cancelled the search stops, and what it returns is incomplete.
 */
export function references(ws: ModelIndex, uri: string, offset: number, includeDeclaration: boolean, token?: CancelToken): SourceLocation[] {
  const found = subjectAt(ws, uri, offset);
  if (!found) return [];
  const { subject } = found;
  return unique([...(includeDeclaration ? declarationsOf(subject) : []), ...referencesOf(ws, subject, token)]);
}

/** Why a rename cannot be done, in words for the user. */
export interface RenameRefusal {
  readonly error: string;
}

/** Where a rename can start: the name's value (without its quotes) and the text to offer for editing. */
export interface RenamePreparation {
  readonly span: Span;
  readonly placeholder: string;
}

/** The reason a subject cannot be renamed at all, whatever the new name. */
function refusal(ws: ModelIndex, subject: Subject): string | undefined {
  switch (subject.kind) {
    case 'role':
      if (subject.builtin) return `Built-in roles cannot be renamed: \`${subject.name}\` is part of Octopus.`;
      if (subject.declarations.length === 0) return `No role named \`${subject.name}\` is defined in the workspace, so there is nothing to rename.`;
      return undefined;
    case 'space':
      // Without space files, teams name spaces freely and renaming one everywhere is still meaningful.
      if (subject.declarations.length === 0 && ws.declaresSpaces) return `No space named \`${subject.name}\` is defined in the workspace, so there is nothing to rename.`;
      return undefined;
    case 'team':
      return undefined;
    case 'permission':
      return 'Permission names are defined by Octopus and cannot be renamed.';
  }
}

/**
 * Checks that the name at `offset` can be renamed: custom roles, spaces and teams can; built-in roles,
 * permissions and anything else cannot, with the reason.
 */
export function prepareRename(ws: ModelIndex, uri: string, offset: number): RenamePreparation | RenameRefusal {
  const found = subjectAt(ws, uri, offset);
  if (!found) return { error: 'Only role, space and team names can be renamed.' };
  const why = refusal(ws, found.subject);
  if (why) return { error: why };
  const { span, value } = found.name;
  const text = ws.text(uri);
  if (text === undefined) return { error: unreadBack(uri) };
  const quote = text[span.start];
  const quoted = (quote === '"' || quote === "'") && span.end - span.start >= 2 && text[span.end - 1] === quote;
  return { span: quoted ? { start: span.start + 1, end: span.end - 1 } : span, placeholder: value };
}

/** Why `newName` cannot be given to the subject, if it cannot. */
function invalidName(ws: ModelIndex, subject: Subject, newName: string): string | undefined {
  if (newName.length === 0) return 'A name cannot be empty.';
  if (newName.length > MAX_NAME_LENGTH) return `A name can be at most ${MAX_NAME_LENGTH} characters long; this one has ${newName.length}.`;
  if (/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(newName)) return 'A name cannot contain line breaks or control characters.';
  const where = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);
  switch (subject.kind) {
    case 'role': {
      const builtin = getBuiltinRoleIgnoreCase(newName);
      if (builtin) return `\`${builtin.name}\` is the name of a built-in role; Octopus does not allow a custom role of that name.`;
      const other = ws.roleDefinitions(newName).find((d) => !subject.declarations.some((s) => s.doc === d.doc));
      if (other) return `A role named \`${other.doc.name!.value}\` already exists (${where(other.uri)}); role names must be unique, whatever their case.`;
      return undefined;
    }
    case 'space': {
      const other = ws.spaceDefinitions(newName).find((d) => !subject.declarations.some((s) => s.doc === d.doc));
      if (other) return `A space named \`${other.doc.name!.value}\` already exists (${where(other.uri)}); space names must be unique, whatever their case.`;
      if (!ws.declaresSpaces) {
        // Without space files the names that teams use are the spaces; renaming onto one would merge two.
        for (const uri of ws.spaceReferrers(newName)) {
          for (const team of teamsOf(ws.model(uri))) {
            const clash = spaceNamesOf(team).find((n) => lower(n.value) === lower(newName) && n.value !== subject.name);
            if (clash) return `Teams already use a space named \`${clash.value}\` (${where(uri)}); renaming would merge the two spaces.`;
          }
        }
      }
      return undefined;
    }
    case 'team': {
      const space = subject.team.doc.space?.value;
      const other = ws.teamDefinitions(newName, space).find((d) => d.doc !== subject.team.doc);
      const scope = space ? `in space \`${space}\`` : 'among the system teams';
      if (other) return `A team named \`${other.doc.name!.value}\` already exists ${scope} (${where(other.uri)}).`;
      return undefined;
    }
    case 'permission':
      return undefined;
  }
}

/**
 * Renames the role, space or team at `offset` to `newName` (trimmed): its definition(s) and every
 * reference in every file of the workspace, open or not. Each replaced scalar keeps its quoting style,
 * and gains quotes when the new name needs them where it stands (inside `[...]` more names do). Refuses
 * what `prepareRename` refuses, and a new name that is empty, longer than 200 characters, the name of a
 * built-in role (for a role, in any case), or the name of another role, space or team that exists.
 */
export function rename(ws: ModelIndex, uri: string, offset: number, newName: string, token?: CancelToken): WorkspaceChange | RenameRefusal {
  const found = subjectAt(ws, uri, offset);
  if (!found) return { error: 'Only role, space and team names can be renamed.' };
  const { subject } = found;
  const why = refusal(ws, subject);
  if (why) return { error: why };
  const name = newName.trim();
  const invalid = invalidName(ws, subject, name);
  if (invalid) return { error: invalid };
  const edits = new Map<string, TextEdit[]>();
  if (name === subject.name) return { edits, creates: new Map() };
  const byFile = new Map<string, Span[]>();
  for (const l of unique([...declarationsOf(subject), ...referencesOf(ws, subject, token)])) {
    const spans = byFile.get(l.uri) ?? [];
    spans.push(l.span);
    byFile.set(l.uri, spans);
  }
  for (const [file, spans] of byFile) {
    if (token?.isCancellationRequested) break;
    const syntax = ws.syntaxOf(file)?.edits;
    if (!syntax) continue;
    // A rename that left out a file would leave a dangling reference: none at all, rather.
    const text = ws.text(file);
    if (text === undefined) return { error: unreadBack(file) };
    edits.set(file, syntax.replaceNames(text, spans, name));
  }
  // Policy files name teams and spaces in principals and contexts (SPEC section 11).
  const policySubject = subject.kind === 'team' ? { kind: 'team' as const, name: subject.name, space: subject.team.doc.space?.value } : subject.kind === 'space' ? { kind: 'space' as const, name: subject.name } : undefined;
  const inPolicies = policySubject ? policyRenames(ws, policySubject, name) : new Map<string, TextEdit[]>();
  if (!inPolicies) return { error: 'A policy file to edit changed on disk since it was read, or cannot be read; it is being read again: try the rename once more.' };
  for (const [file, more] of inPolicies) edits.set(file, [...(edits.get(file) ?? []), ...more]);
  return { edits, creates: new Map() };
}

/** Why nothing can be renamed in a file whose text is not the one indexed (`ModelIndex.text`). */
function unreadBack(uri: string): string {
  return `${uri.slice(uri.lastIndexOf('/') + 1)} changed on disk since it was read, or cannot be read; it is being read again: try the rename once more.`;
}


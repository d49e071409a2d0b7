/**
 * Effective access in Terraform modules (SPEC sections 8 and 9). Each module is a model of its own: its
 * teams are its `octopusdeploy_team` resources with their inline `user_role` blocks, plus the
 * `octopusdeploy_scoped_user_role` resources, which add an assignment to their target (a team of the
 * module by address, or a built-in team by id); all documents of one team make one entry. Assignments are
 * placed in the module's view (model/roles.ts `place`), so refused ones grant nothing, as in YAML.
 *
 * What is computed is not known until Terraform runs: such an assignment, team or user list grants or
 * reaches nothing here, and becomes an `AccessNote`, so that output can say what it did not count
 * instead of leaving it out silently.
 */
import { BUILTIN_SYSTEM_TEAMS, builtinSystemTeam, isBuiltinTeamName, SPACE_MANAGERS } from '../catalog';
import { grantKey, holdingKey, restrictionsOf, roleGrants, type Grant, type Holding, type TeamEntry } from './grants';
import { place } from './roles';
import { lazyTeam, teamsOf, type TeamOwn } from './teams';
import type { Assignment, ComputedPart, Name, Span, TeamDoc } from './types';
import type { ModelIndex } from './workspace';

/** Something of a module that effective access cannot count, and why. */
export interface AccessNote {
  /** The module (its folder's URI). */
  readonly module: string;
  readonly uri: string;
  readonly span: Span;
  /** The team it concerns, when that is known. */
  readonly team?: { readonly name: string; readonly space?: string };
  /** Why it is not counted, in a sentence without a final period. */
  readonly reason: string;
  /** The role (as the module refers to it) of the assignment it concerns, when that is known. */
  readonly role?: string;
}

/** A module's teams as effective access counts them, and what it could not count. */
export interface ModuleAccess {
  readonly module: string;
  readonly teams: TeamEntry[];
  readonly notes: AccessNote[];
}

const lower = (s: string) => s.trim().toLowerCase();

/** A module as people read it: the last two segments of its folder's path. */
export function moduleLabel(module: string): string {
  const parts = module.replace(/\/+$/, '').split('/').filter(Boolean);
  const shown = parts.slice(-2).join('/');
  try {
    return decodeURIComponent(shown);
  } catch {
    return shown;
  }
}

/** The modules of the workspace (folder URIs), sorted. */
export function modulesOf(ws: ModelIndex): string[] {
  const modules = new Set<string>();
  for (const uri of ws.uris()) {
    const m = ws.model(uri)?.module;
    if (m !== undefined) modules.add(m);
  }
  return [...modules].sort();
}

/**
 * Every team effective access counts: the YAML model's, then each module's (tagged with its module). With
 * `only`, the teams a change to those files can alter: those they define, the YAML model's built-in
 * teams, and every team of a module they belong to.
 */
export function accessTeams(ws: ModelIndex, only?: ReadonlySet<string>): TeamEntry[] {
  const modules = only ? [...new Set([...only].map((u) => ws.model(u)?.module).filter((m): m is string => m !== undefined))].sort() : modulesOf(ws);
  // A workspace of modules alone has no YAML model (whose built-in teams would otherwise be listed too).
  const yaml = only ? [...only].some((u) => ws.has(u) && ws.syntaxOf(u)?.syntax !== 'terraform') : modules.length === 0 || [...ws.uris()].some((u) => ws.syntaxOf(u)?.syntax !== 'terraform');
  const teams = yaml ? teamsOf(ws, only) : [];
  for (const m of modules) teams.push(...moduleAccess(ws, m).teams);
  return teams;
}

/** The spaces (ids, as modules write them) where some team of a module is granted something. */
export function moduleSpaces(ws: ModelIndex): string[] {
  const spaces = new Set<string>();
  for (const m of modulesOf(ws)) for (const t of moduleAccess(ws, m).teams) for (const g of t.grants) if (g.space !== undefined) spaces.add(g.space);
  return [...spaces].sort();
}

/** What effective access could not count, in every module (or in one). */
export function accessNotes(ws: ModelIndex, module?: string): AccessNote[] {
  return (module === undefined ? modulesOf(ws) : [module]).flatMap((m) => moduleAccess(ws, m).notes);
}

/**
 * The notes that concern a principal reached by `teams`: those of its teams, and those of no known team
 * (a computed team may hold anyone).
 */
export function notesFor(notes: readonly AccessNote[], teams: readonly TeamEntry[]): AccessNote[] {
  return notes.filter((n) => !n.team || teams.some((t) => t.name === n.team!.name && t.space === n.team!.space));
}

/** One team of a module while its documents are gathered. */
interface Gathered {
  readonly name: string;
  readonly space?: string;
  readonly builtin: boolean;
  definition?: { uri: string; doc: TeamDoc };
  members: string[];
  groups: string[];
  /** Each assignment with the document (as rules read it: target resolved) that makes it. */
  readonly parts: { uri: string; team: TeamDoc; a: Assignment }[];
}

const PART_REASONS: Record<ComputedPart['what'], string> = {
  assignment: 'an assignment whose role, space or restrictions are computed (or a `dynamic` block): what it grants is not known',
  members: 'users that are computed: who is in the team is not known',
  groups: 'external groups that are computed: which groups the team lists is not known',
};

/** The users a module declares (`octopusdeploy_user` resources), by address, with their usernames. */
function usernamesOf(ws: ModelIndex, uris: readonly string[]): Map<string, string> {
  const usernames = new Map<string, string>();
  for (const uri of uris) for (const [address, username] of ws.model(uri)?.users ?? []) usernames.set(address, username);
  return usernames;
}

/**
 * The name effective access gives a user that a team of `module` lists: the username of a user the module
 * declares (`octopusdeploy_user.alice` → `alice`), else the value as written (a user id).
 */
export function moduleUsername(ws: ModelIndex, module: string, value: string): string {
  if (!value.startsWith('octopusdeploy_user.')) return value;
  return usernamesOf(ws, [...ws.uris()].filter((u) => ws.model(u)?.module === module)).get(value) ?? value;
}

/** The teams and notes of one module. */
export function moduleAccess(ws: ModelIndex, module: string): ModuleAccess {
  const uris = [...ws.uris()].filter((u) => ws.model(u)?.module === module).sort();
  const notes: AccessNote[] = [];
  const byKey = new Map<string, Gathered>();
  if (!uris.length) return { module, teams: [], notes };
  const view = ws.forFile(uris[0]);
  const note = (uri: string, span: Span, reason: string, team?: Gathered, role?: string) =>
    notes.push({ module, uri, span, reason, ...(team ? { team: { name: team.name, ...(team.space !== undefined ? { space: team.space } : {}) } } : {}), ...(role !== undefined ? { role } : {}) });
  // A team lists its users by id or by address; a user the module declares is named by its username.
  const usernames = usernamesOf(view, uris);
  for (const uri of uris) {
    const raw = view.model(uri);
    const analysed = view.analysed(uri);
    if (!raw || !analysed) continue;
    // Rules' copies keep each document's span: the way back from a copy to the document it was made from.
    const copies = new Map<number, TeamDoc>();
    for (const d of analysed.docs) if (d.kind === 'team') copies.set(d.span.start, d);
    for (const doc of raw.docs) {
      if (doc.kind !== 'team') continue;
      const what = doc.address ?? 'a team';
      if (doc.unknown) {
        note(uri, doc.span, doc.address?.startsWith('octopusdeploy_scoped_user_role.') ? `\`${what}\`: its team is computed, or it is repeated (\`for_each\`, \`count\`): what it grants is not known` : `\`${what}\`: its name or space is computed, or it is repeated (\`for_each\`, \`count\`): who is in it and what it grants are not known`);
        continue;
      }
      const copy = copies.get(doc.span.start);
      if (!copy?.name) {
        note(uri, doc.span, `\`${what}\`: its team \`${doc.target?.value ?? ''}\` is not known (computed, repeated, or neither a team of this module nor a built-in team): what it grants is not counted`);
        continue;
      }
      const team = gather(byKey, copy, uri, doc, usernames);
      // A refused team resource grants nothing (rule 1, as in YAML: check reports it).
      if (!team) continue;
      for (const part of doc.computedParts ?? []) note(uri, part.span, PART_REASONS[part.what], team);
      for (const a of doc.assignments) if (!view.hasRole(a.role.value)) note(uri, a.role.span, `its role \`${a.role.value}\` is computed or not a role of this module: what it grants is not known`, team);
      for (const a of copy.assignments) {
        const space = computedSpace(copy.space, a);
        if (space) note(uri, space.span, `an assignment of \`${a.role.value}\` in the computed space \`${space.value}\`: where it applies is not known`, team, a.role.value);
        else team.parts.push({ uri, team: copy, a });
      }
    }
  }
  for (const { name } of BUILTIN_SYSTEM_TEAMS) {
    const key = `\u0000${lower(name)}`;
    if (!byKey.has(key)) byKey.set(key, { name, builtin: true, members: [], groups: [], parts: [] });
  }
  const teams = [...byKey.values()].map((g) => entryOf(view, module, g));
  return { module, teams, notes };
}

/** The space of an assignment that is computed (the team's, or its own), if any. */
function computedSpace(teamSpace: Name | undefined, a: Assignment): Name | undefined {
  if (teamSpace?.computed) return teamSpace;
  return a.space?.computed ? a.space : undefined;
}

/**
 * Files a team document under its team, and returns the team; undefined for a team resource that Octopus
 * refuses to create: one named like a built-in team (tf-builtin-team-resource, builtin-team) or like a team
 * an earlier resource defines (duplicate-name).
 */
function gather(byKey: Map<string, Gathered>, copy: TeamDoc, uri: string, doc: TeamDoc, usernames: ReadonlyMap<string, string>): Gathered | undefined {
  const name = copy.name!.value.trim();
  const space = copy.space;
  const system = space ? undefined : builtinSystemTeam(name);
  const builtinName = space ? isBuiltinTeamName(name, SPACE_MANAGERS) : system !== undefined;
  if (builtinName && !doc.target) return undefined;
  // A computed space is kept apart by its text: two teams in `var.space_id` may well be one space.
  const key = `${space ? (space.computed ? `?${space.value}` : lower(space.value)) : ''}\u0000${lower(name)}`;
  let team = byKey.get(key);
  if (!team) {
    byKey.set(key, (team = { name: system?.name ?? name, ...(space ? { space: space.value } : {}), builtin: builtinName, members: [], groups: [], parts: [] }));
  }
  if (!doc.target) {
    // A second resource of the same name and space is a duplicate-name error: the first one counts, as in YAML.
    if (team.definition) return undefined;
    team.definition = { uri, doc };
    // Everyone always holds every user: its members and groups cannot be set.
    // Sets, not `includes`: a team of 100,000 users costs linear time.
    if (!(system && !system.membersChange)) {
      team.members = [...new Set(doc.members?.items.map((i) => usernames.get(i.value) ?? i.value) ?? [])];
      team.groups = [...new Set(doc.externalGroups?.items.map((i) => i.value) ?? [])];
    }
  }
  return team;
}

/** The entry of a gathered team, its grants computed when first read. */
function entryOf(view: ModelIndex, module: string, g: Gathered): TeamEntry {
  // A built-in system team (Octopus Administrators, Octopus Managers) holds its fixed role whatever the
  // module says; Octopus Administrators nothing else (SPEC rule 4; builtin-team).
  const system = g.builtin && g.space === undefined ? builtinSystemTeam(g.name) : undefined;
  const own = (): TeamOwn => {
    const grants: Grant[] = [];
    const holdings: Holding[] = [];
    for (const { uri, team, a } of system && !system.rolesChange ? [] : g.parts) {
      const p = place(view, team, a);
      if (p.refusals.length || !p.role || !p.level) continue;
      const restrictions = restrictionsOf(a);
      const via = { team: g.name, ...(g.space !== undefined ? { teamSpace: g.space } : {}), role: p.role.name, uri, span: a.role.span, module };
      grants.push(...roleGrants(p.role, p.level, p.space, restrictions, via));
      holdings.push({ role: p.role.name, scope: p.level, space: p.space, restrictions: p.level === 'space' ? restrictions : {}, via: [{ ...via, implicit: false }] });
    }
    if (system?.holds !== undefined && !holdings.some((h) => h.role === system.holds && h.scope === 'system')) {
      const role = view.resolveRole(system.holds)!;
      const via = { team: g.name, role: role.name, uri: g.definition?.uri, span: g.definition?.doc.name?.span, module };
      grants.push(...roleGrants(role, 'system', undefined, {}, via));
      holdings.push({ role: role.name, scope: 'system', restrictions: {}, via: [{ ...via, implicit: false }] });
    }
    return { grants, holdings };
  };
  let entry: TeamEntry;
  // Modules are small and `diff` reads them whole: the signature is what the team grants, written out.
  const signature = () =>
    [...entry.grants.map((x) => `${grantKey(x)}\u0001${JSON.stringify(x.restrictions)}`), ...entry.holdings.map((h) => `${holdingKey(h)}\u0001${JSON.stringify(h.restrictions)}`)].sort().join('\n');
  entry = lazyTeam({ name: g.name, ...(g.space !== undefined ? { space: g.space } : {}), module, definition: g.definition, members: g.members, groups: g.groups, builtin: g.builtin }, own, signature);
  return entry;
}

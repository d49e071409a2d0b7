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
import { BUILTIN_SYSTEM_TEAMS, builtinSystemTeam, builtinTeamOfId, isBuiltinTeamName, SPACE_MANAGER, SPACE_MANAGERS } from '../catalog';
import { grantKey, holdingKey, restrictionsOf, roleGrants, type Grant, type Holding, type TeamEntry } from './grants';
import { place } from './roles';
import { lazyTeam, teamsOf, type TeamOwn } from './teams';
import type { Assignment, ComputedPart, ModuleSpace, Name, Span, TeamDoc } from './types';
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

/** True for a file of the YAML model: not a module's, and not a policy file (which holds no access). */
const inYamlModel = (ws: ModelIndex, uri: string): boolean => ws.syntaxOf(uri)?.syntax !== 'terraform' && ws.model(uri)?.kind !== 'policy';

/**
 * True when the workspace has a YAML model to count: a file of it, or no module at all (the built-in teams
 * are there even in an empty workspace). A folder of modules and policy files has none.
 */
export function hasYamlModel(ws: ModelIndex, modules: readonly string[] = modulesOf(ws)): boolean {
  return modules.length === 0 || [...ws.uris()].some((u) => inYamlModel(ws, u));
}

/**
 * Every team effective access counts: the YAML model's, then each module's (tagged with its module). With
 * `only`, the teams a change to those files can alter: those they define, the YAML model's built-in
 * teams, and every team of a module they belong to.
 */
export function accessTeams(ws: ModelIndex, only?: ReadonlySet<string>): TeamEntry[] {
  const modules = only ? [...new Set([...only].map((u) => ws.model(u)?.module).filter((m): m is string => m !== undefined))].sort() : modulesOf(ws);
  // A workspace of modules alone has no YAML model (whose built-in teams would otherwise be listed too).
  const yaml = only ? [...only].some((u) => ws.has(u) && inYamlModel(ws, u)) : hasYamlModel(ws, modules);
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
  /** The spaces whose `space_managers_teams` name it: it holds Space Manager there. */
  readonly managed: { space: string; uri: string; span: Span }[];
  /** Where a Space Managers team's space is defined (`octopusdeploy_space`). */
  spaceSource?: { uri: string; span: Span };
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

/**
 * How effective access names a space of a module that stays computed (`var.space_id` with no value, a
 * remote state): by its expression, which is one space wherever it is written alike (SPEC section 9).
 */
export function symbolicSpace(expression: string): string {
  return `\`${expression.replace(/\s+/g, ' ')}\` (not known from the module)`;
}

/** A team document with its computed spaces (the team's, its assignments') named as symbolic spaces. */
function withSymbolicSpaces(copy: TeamDoc): TeamDoc {
  const sym = (n: Name | undefined): Name | undefined => (n?.computed ? { value: symbolicSpace(n.value), span: n.span } : n);
  if (!copy.space?.computed && !copy.assignments.some((a) => a.space?.computed)) return copy;
  const assignments = copy.assignments.map((a): Assignment => (a.space?.computed ? { role: a.role, span: a.span, space: sym(a.space), spaceKey: a.spaceKey, restrictions: a.restrictions } : a));
  return { ...copy, space: sym(copy.space), assignments };
}

/** One module while its teams are gathered. */
interface Gathering {
  readonly module: string;
  readonly view: ModelIndex;
  readonly byKey: Map<string, Gathered>;
  /** The teams the module's team resources define, by address. */
  readonly byAddress: Map<string, Gathered>;
  readonly usernames: ReadonlyMap<string, string>;
  readonly notes: AccessNote[];
}

function noteIn(m: Gathering, uri: string, span: Span, reason: string, team?: Gathered, role?: string): void {
  m.notes.push({ module: m.module, uri, span, reason, ...(team ? { team: { name: team.name, ...(team.space !== undefined ? { space: team.space } : {}) } } : {}), ...(role !== undefined ? { role } : {}) });
}

/** The teams and notes of one module. */
export function moduleAccess(ws: ModelIndex, module: string): ModuleAccess {
  const uris = [...ws.uris()].filter((u) => ws.model(u)?.module === module).sort();
  if (!uris.length) return { module, teams: [], notes: [] };
  const view = ws.forFile(uris[0]);
  // A team lists its users by id or by address; a user the module declares is named by its username.
  const m: Gathering = { module, view, byKey: new Map(), byAddress: new Map(), usernames: usernamesOf(view, uris), notes: [] };
  for (const uri of uris) gatherFile(m, uri);
  for (const { name } of BUILTIN_SYSTEM_TEAMS) {
    const key = `\u0000${lower(name)}`;
    if (!m.byKey.has(key)) m.byKey.set(key, { name, builtin: true, members: [], groups: [], parts: [], managed: [] });
  }
  for (const uri of uris) for (const space of view.model(uri)?.spaces ?? []) gatherSpace(m, uri, space);
  // A space the module looks up exists, and with it its own Space Managers team (SPEC rule 4).
  for (const uri of uris) {
    for (const [key, v] of view.model(uri)?.values ?? []) {
      if (key.startsWith('data.octopusdeploy_space.') && v.value !== undefined) builtinTarget(m.byKey, SPACE_MANAGERS, v.value).spaceSource ??= { uri, span: v.span };
    }
  }
  const teams = [...m.byKey.values()].map((g) => entryOf(view, module, g));
  return { module, teams, notes: m.notes };
}

/** Gathers the team documents of one file of the module. */
function gatherFile(m: Gathering, uri: string): void {
  const raw = m.view.model(uri);
  const analysed = m.view.analysed(uri);
  if (!raw || !analysed) return;
  // Rules' copies keep each document's span: the way back from a copy to the document it was made from.
  const copies = new Map<number, TeamDoc>();
  for (const d of analysed.docs) if (d.kind === 'team') copies.set(d.span.start, withSymbolicSpaces(d));
  for (const doc of raw.docs) {
    if (doc.kind !== 'team') continue;
    const what = doc.address ?? 'a team';
    if (doc.unknown) {
      noteIn(m, uri, doc.span, doc.address?.startsWith('octopusdeploy_scoped_user_role.') ? `\`${what}\`: its team is computed, or it is repeated (\`for_each\`, \`count\`): what it grants is not known` : `\`${what}\`: its name or space is computed, or it is repeated (\`for_each\`, \`count\`): who is in it and what it grants are not known`);
      continue;
    }
    const copy = copies.get(doc.span.start);
    if (!copy?.name) {
      noteIn(m, uri, doc.span, `\`${what}\`: its team \`${doc.target?.value ?? ''}\` is not known (computed, repeated, or neither a team of this module nor a built-in team): what it grants is not counted`);
      continue;
    }
    const team = gather(m.byKey, copy, uri, doc, m.usernames);
    // A refused team resource grants nothing (rule 1, as in YAML: check reports it).
    if (!team) continue;
    if (doc.address && !doc.target) m.byAddress.set(doc.address, team);
    for (const part of doc.computedParts ?? []) noteIn(m, uri, part.span, PART_REASONS[part.what], team, part.role);
    for (const a of doc.assignments) if (!m.view.hasRole(a.role.value)) noteIn(m, uri, a.role.span, `its role \`${a.role.value}\` is computed or not a role of this module: what it grants is not known`, team);
    for (const a of copy.assignments) team.parts.push({ uri, team: copy, a });
  }
}

/**
 * An `octopusdeploy_space` of the module: its Space Managers team (members: `space_managers_team_members`),
 * and Space Manager in it for each team of `space_managers_teams` (SPEC rule 4).
 */
function gatherSpace(m: Gathering, uri: string, space: ModuleSpace): void {
  const name = space.name?.value ?? symbolicSpace(`${space.address}.id`);
  const managers = builtinTarget(m.byKey, SPACE_MANAGERS, name);
  managers.spaceSource ??= { uri, span: space.name?.span ?? space.span };
  const members = space.members.map((i) => (i.computed ? m.usernames.get(i.value) : i.value)).filter((u): u is string => u !== undefined);
  managers.members = [...new Set([...managers.members, ...members])];
  for (const t of space.teams) {
    const builtin = t.computed ? undefined : builtinTeamOfId(t.value);
    const team = t.computed ? m.byAddress.get(t.value) : builtin && builtinTarget(m.byKey, builtin.team.name, builtin.spaceId);
    if (team) team.managed.push({ space: name, uri, span: t.span });
    else noteIn(m, uri, t.span, `\`${t.value}\` manages space \`${name}\`, but it is neither a team of this module nor a built-in team: what it grants is not counted`);
  }
  for (const i of space.members) if (i.computed && !m.usernames.has(i.value)) noteIn(m, uri, i.span, `a manager of space \`${name}\` that is not a user of this module: who it is is not known`, managers);
  for (const c of space.computed) noteIn(m, uri, c, `managers of space \`${name}\` that are computed: who manages it is not known`, managers);
}

/** The gathered built-in team of that name (in `space`, for Space Managers), added when missing. */
function builtinTarget(byKey: Map<string, Gathered>, name: string, space?: string): Gathered {
  const key = `${space === undefined ? '' : lower(space)}\u0000${lower(name)}`;
  let team = byKey.get(key);
  if (!team) byKey.set(key, (team = { name, ...(space !== undefined ? { space } : {}), builtin: true, members: [], groups: [], parts: [], managed: [] }));
  return team;
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
  // A team resource named like a built-in team is refused, unless an `import` block adopts the built-in
  // team itself (its copy then targets that team).
  if (builtinName && !copy.target) return undefined;
  const key = `${space ? lower(space.value) : ''}\u0000${lower(name)}`;
  let team = byKey.get(key);
  if (!team) {
    byKey.set(key, (team = { name: system?.name ?? name, ...(space ? { space: space.value } : {}), builtin: builtinName, members: [], groups: [], parts: [], managed: [] }));
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

/**
 * Space Manager where a team manages a space (SPEC rule 4): a space's own Space Managers team in its
 * space, and a team that a space's `space_managers_teams` names in that space; unrestricted.
 */
function managerGrants(view: ModelIndex, module: string, g: Gathered, grants: Grant[], holdings: Holding[]): void {
  const role = view.resolveRole(SPACE_MANAGER)!;
  const spaces: { space: string; uri?: string; span?: Span }[] = [...g.managed];
  if (g.builtin && g.space !== undefined) spaces.unshift({ space: g.space, ...(g.spaceSource ?? { uri: g.definition?.uri, span: g.definition?.doc.name?.span }) });
  for (const { space, uri, span } of spaces) {
    if (holdings.some((h) => h.role === role.name && h.scope === 'space' && h.space === space && Object.keys(h.restrictions).length === 0)) continue;
    const via = { team: g.name, ...(g.space !== undefined ? { teamSpace: g.space } : {}), role: role.name, uri, span, module };
    grants.push(...roleGrants(role, 'space', space, {}, via));
    holdings.push({ role: role.name, scope: 'space', space, restrictions: {}, via: [{ ...via, implicit: false }] });
  }
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
    managerGrants(view, module, g, grants, holdings);
    return { grants, holdings };
  };
  let entry: TeamEntry;
  // Modules are small and `diff` reads them whole: the signature is what the team grants, written out.
  const signature = () =>
    [...entry.grants.map((x) => `${grantKey(x)}\u0001${JSON.stringify(x.restrictions)}`), ...entry.holdings.map((h) => `${holdingKey(h)}\u0001${JSON.stringify(h.restrictions)}`)].sort().join('\n');
  entry = lazyTeam({ name: g.name, ...(g.space !== undefined ? { space: g.space } : {}), module, definition: g.definition, members: g.members, groups: g.groups, builtin: g.builtin }, own, signature);
  return entry;
}

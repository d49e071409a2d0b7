/**
 * From a dump of the API (bridge/api.ts) to the model with names (bridge/model.ts): ids resolved through
 * the dump's own resources, built-in roles and teams mapped as SPEC sections 3 and 10 say, and everything
 * that cannot be carried over reported, never guessed. An id that resolves to nothing stays in the output
 * only where dropping it would widen access (a restriction value); elsewhere it is left out and reported.
 */
import { BUILTIN_TEAMS, builtinSystemTeam, builtinTeamOfId, getBuiltinRole, isBuiltinTeamName, OCTOPUS_MANAGERS, SPACE_MANAGER, SPACE_MANAGERS, type BuiltinTeam, type Dimension } from '../service/catalog';
import { idKey, isSystem, type ApiNamed, type ApiScopedUserRole, type ApiTeam, type Dump } from './api';
import { byName, sortedUnique, type Imported, type ImportedAssignment, type ImportedRole, type ImportedSpace, type ImportedTeam, type ImportMap, type MapEntry, type Restrictions } from './model';

const teamNamed = (name: string) => BUILTIN_TEAMS.find((t) => t.name === name)!;
/** The system team Octopus Managers; on servers that predate spaces, its id is the Default space's Space Managers team's. */
const OCTOPUS_MANAGERS_TEAM = teamNamed(OCTOPUS_MANAGERS);

const DIMENSION_FIELDS: readonly [Dimension, keyof ApiScopedUserRole, string][] = [
  ['environments', 'EnvironmentIds', 'environment'],
  ['projects', 'ProjectIds', 'project'],
  ['projectGroups', 'ProjectGroupIds', 'project group'],
  ['tenants', 'TenantIds', 'tenant'],
];

const text = (s: string | null | undefined): string | undefined => (s === null || s === undefined || s.trim() === '' ? undefined : s);
const q = (s: string) => JSON.stringify(s);
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && new Set([...a, ...b]).size === new Set(a).size;

type BuiltinKind = { kind: 'system'; team: BuiltinTeam } | { kind: 'managers'; spaceId: string | undefined };

/**
 * Which built-in team a team of the dump is, by its id (or name and `CanBeDeleted: false`): a built-in
 * system team, or a space's Space Managers team. `teams-managers` in a space is that space's Space
 * Managers (servers that predate spaces kept the id for the Default space's).
 */
function builtinTeam(t: ApiTeam): BuiltinKind | undefined {
  const fixed = t.CanBeDeleted === false;
  const byId = builtinTeamOfId(t.Id);
  if (byId?.team === OCTOPUS_MANAGERS_TEAM && !isSystem(t.SpaceId)) return { kind: 'managers', spaceId: text(t.SpaceId) };
  if (byId?.spaceId !== undefined) return { kind: 'managers', spaceId: text(t.SpaceId) ?? byId.spaceId };
  if (byId) return { kind: 'system', team: byId.team };
  const named = fixed && isSystem(t.SpaceId) ? builtinSystemTeam(t.Name) : undefined;
  if (named) return { kind: 'system', team: named };
  if (fixed && !isSystem(t.SpaceId) && isBuiltinTeamName(t.Name, SPACE_MANAGERS)) return { kind: 'managers', spaceId: text(t.SpaceId) };
  return undefined;
}

/** One conversion: the dump's resources by id, and the report of what could not be carried over. */
class DumpConversion {
  readonly report: string[] = [];
  private readonly roles: Map<string, Dump['userRoles'][number]>;
  private readonly spaces: Map<string, Dump['spaces'][number]>;
  private readonly users: Map<string, Dump['users'][number]>;
  private readonly teams: Map<string, ApiTeam>;
  private readonly scopes: Record<Dimension, Map<string, ApiNamed>>;
  /** Each team's scoped user roles, by team id. */
  private readonly assignmentsOf = new Map<string, ApiScopedUserRole[]>();
  /** The Space Managers teams, by space id. */
  private readonly managersOf = new Map<string, ApiTeam[]>();
  readonly mapAssignments: ImportMap['scopedUserRoles'] = [];

  constructor(private readonly dump: Dump) {
    const byId = <T extends { Id: string }>(items: readonly T[]) => new Map(items.map((i) => [idKey(i.Id), i] as const));
    this.roles = byId(dump.userRoles);
    this.spaces = byId(dump.spaces);
    this.users = byId(dump.users);
    this.teams = byId(dump.teams);
    this.scopes = { environments: byId(dump.environments), projects: byId(dump.projects), projectGroups: byId(dump.projectGroups), tenants: byId(dump.tenants) };
    for (const s of dump.scopedUserRoles) {
      if (!this.teams.has(idKey(s.TeamId))) {
        this.report.push(`scoped user role ${q(s.Id)}: team ${q(s.TeamId)} is not in the dump; left out`);
        continue;
      }
      const list = this.assignmentsOf.get(idKey(s.TeamId)) ?? [];
      list.push(s);
      this.assignmentsOf.set(idKey(s.TeamId), list);
    }
  }

  private spaceName(id: string): string | undefined {
    return this.spaces.get(idKey(id))?.Name;
  }

  private userName(id: string, where: string): string | undefined {
    const u = this.users.get(idKey(id));
    if (!u) this.report.push(`${where}: member ${q(id)} is no user of the dump; left out`);
    return u?.Username;
  }

  /** Which team is which: a built-in system team by its name, a space team with its space's name. */
  teamName(id: string): { name: string; space?: string } | undefined {
    const t = this.teams.get(idKey(id));
    if (!t) return undefined;
    const b = builtinTeam(t);
    if (b?.kind === 'system') return { name: b.team.name };
    return { name: t.Name, space: isSystem(t.SpaceId) ? undefined : (this.spaceName(t.SpaceId!) ?? t.SpaceId!) };
  }

  /** Roles: custom ones, and built-in ones only where this server's version differs from the defaults. */
  rolesOut(): ImportedRole[] {
    const outRoles: ImportedRole[] = [];
    for (const r of this.dump.userRoles) {
      const defaults = getBuiltinRole(r.Name);
      const entry = {
        id: r.Id,
        name: r.Name,
        description: text(r.Description),
        spacePermissions: sortedUnique(r.GrantedSpacePermissions),
        systemPermissions: sortedUnique(r.GrantedSystemPermissions),
      };
      if (defaults) {
        if (sameSet(entry.spacePermissions, [...defaults.spacePermissions]) && sameSet(entry.systemPermissions, [...defaults.systemPermissions])) continue;
        const added = [...entry.spacePermissions, ...entry.systemPermissions].filter((p) => !defaults.spacePermissions.includes(p) && !defaults.systemPermissions.includes(p));
        const removed = [...defaults.spacePermissions, ...defaults.systemPermissions].filter((p) => !entry.spacePermissions.includes(p) && !entry.systemPermissions.includes(p));
        const what = [added.length ? `adds ${sortedUnique(added).join(', ')}` : '', removed.length ? `lacks ${sortedUnique(removed).join(', ')}` : ''].filter(Boolean).join('; ');
        this.report.push(`role ${q(r.Name)}: this server's built-in role differs from a current install${what ? ` (${what})` : ' (a permission moved between lists)'}; written with builtIn: true`);
        outRoles.push({ ...entry, description: undefined, builtIn: true });
      } else {
        if (r.CanBeDeleted === false) this.report.push(`role ${q(r.Name)}: built in on the server but not a built-in role this product knows; written as a custom role`);
        outRoles.push({ ...entry, builtIn: false });
      }
    }

    return outRoles;
  }

  /** A team's scoped user roles as assignments; those Octopus fixes for the team are dropped by `keep`. */
  private assignments(t: ApiTeam, label: string, keep: (role: string, spaceId: string | undefined) => boolean): ImportedAssignment[] {
    const out: ImportedAssignment[] = [];
    for (const s of this.assignmentsOf.get(idKey(t.Id)) ?? []) {
      const role = this.roles.get(idKey(s.UserRoleId))?.Name;
      if (role === undefined) {
        this.report.push(`${label}: role ${q(s.UserRoleId)} of scoped user role ${q(s.Id)} is not in the dump; left out`);
        continue;
      }
      const spaceId = isSystem(s.SpaceId) ? undefined : s.SpaceId!.trim();
      if (!keep(role, spaceId)) continue;
      let space: string | undefined;
      if (spaceId !== undefined) {
        space = this.spaceName(spaceId);
        if (space === undefined) {
          this.report.push(`${label}: space ${q(spaceId)} of role ${q(role)} is not in the dump; kept as the id`);
          space = spaceId;
        }
        if (!isSystem(t.SpaceId) && idKey(spaceId) !== idKey(t.SpaceId!)) {
          this.report.push(`${label}: role ${q(role)} applies in space ${q(space)}, not the team's own space; left out`);
          continue;
        }
      }
      const restrictions: Restrictions = {};
      for (const [dimension, field, what] of DIMENSION_FIELDS) {
        const ids = s[field] as readonly string[];
        if (!ids.length) continue;
        restrictions[dimension] = sortedUnique(
          ids.map((id) => {
            const found = this.scopes[dimension].get(idKey(id));
            if (found) return found.Name;
            // Dropping the value would widen the assignment: keep the id and say so.
            this.report.push(`${label}: ${what} ${q(id)} restricting role ${q(role)} is not in the dump; kept as the id`);
            return id;
          }),
        );
      }
      const teamSpace = isSystem(t.SpaceId) ? undefined : (this.spaceName(t.SpaceId!) ?? t.SpaceId!);
      out.push({ id: s.Id, role, space: isSystem(t.SpaceId) ? space : undefined, restrictions });
      this.mapAssignments.push({ team: this.teamName(t.Id)!.name, teamSpace, role, space, id: s.Id });
    }
    return out.sort((a, b) => byName(a.role, b.role) || byName(a.space ?? '', b.space ?? '') || byName(JSON.stringify(a.restrictions), JSON.stringify(b.restrictions)));
  }

  /** The teams, and the Space Managers teams by space (`managersOf`), which are the spaces' managers. */
  teamsOut(): ImportedTeam[] {
    const outTeams: ImportedTeam[] = [];
    for (const t of this.dump.teams) {
      const b = builtinTeam(t);
      const label = `team ${q(t.Name)}`;
      if (b?.kind === 'managers') {
        const list = this.managersOf.get(idKey(b.spaceId ?? '')) ?? [];
        list.push(t);
        this.managersOf.set(idKey(b.spaceId ?? ''), list);
        if (b.spaceId === undefined || !this.spaces.has(idKey(b.spaceId))) this.report.push(`${label}: the Space Managers team of space ${q(b.spaceId ?? '?')}, which is not in the dump; its members are left out`);
        for (const g of t.ExternalSecurityGroups) if (text(g.Id)) this.report.push(`${label}: external group ${q(g.Id!)} of a Space Managers team cannot be written (only members can); left out`);
        this.assignments(t, label, (role, spaceId) => {
          if (role !== SPACE_MANAGER || (spaceId !== undefined && idKey(spaceId) !== idKey(b.spaceId ?? ''))) this.report.push(`${label}: role ${q(role)} given to a Space Managers team cannot be written; left out`);
          return false;
        });
        continue;
      }
      const system = b?.kind === 'system' ? b.team : undefined;
      // Everyone holds every user: its members and groups are not the dump's to say.
      const fixedMembers = system !== undefined && !system.membersChange;
      const members = fixedMembers ? [] : t.MemberUserIds.map((id) => this.userName(id, label)).filter((u): u is string => u !== undefined);
      const groups: string[] = [];
      for (const g of fixedMembers ? [] : t.ExternalSecurityGroups) {
        if (text(g.Id)) groups.push(g.Id!.trim());
        else this.report.push(`${label}: an external security group without an id (an empty entry); left out`);
      }
      const hasAssignments = (this.assignmentsOf.get(idKey(t.Id)) ?? []).length > 0;
      let roleList: ImportedAssignment[];
      const held = system?.holds;
      if (system && !system.rolesChange && held !== undefined) {
        roleList = [{ id: '', role: held, restrictions: {} }];
        this.assignments(t, label, (role) => {
          if (role !== held) this.report.push(`${label}: role ${q(role)} given to ${system.name} cannot be written (its roles are fixed); left out`);
          return false;
        });
      } else roleList = this.assignments(t, label, () => true);
      // A built-in team holds its fixed role whether or not the dump lists it as a scoped user role.
      if (held !== undefined && !roleList.some((a) => a.role === held && a.space === undefined)) roleList.unshift({ id: '', role: held, restrictions: {} });
      const rolesUnknown = !hasAssignments && held === undefined;
      if (rolesUnknown && !system) this.report.push(`${label}: the dump has no scoped user roles for this team; its roles are unknown`);
      const named = this.teamName(t.Id)!;
      // A built-in team with nothing but what Octopus fixes for it needs no file (Everyone without roles,
      // Octopus Managers without members); Octopus Administrators is written as before.
      const onlyFixed = roleList.every((a) => a.role === held && a.space === undefined && Object.keys(a.restrictions).length === 0);
      if (system && system.rolesChange && onlyFixed && !members.length && !groups.length) continue;
      if (named.space !== undefined && !this.spaces.has(idKey(t.SpaceId!))) this.report.push(`${label}: space ${q(t.SpaceId!)} is not in the dump; kept as the id`);
      outTeams.push({
        id: t.Id,
        name: named.name,
        description: b ? undefined : text(t.Description),
        space: named.space,
        members: sortedUnique(members),
        externalGroups: sortedUnique(groups),
        roles: roleList,
        rolesUnknown,
      });
    }

    return outTeams;
  }

  /**
   * A space's project groups with their projects (SPEC section 3), from each project's `ProjectGroupId`,
   * when the dump says that of any project of the space; the grouped projects leave `lists.projects`.
   */
  private groupMap(s: { Id: string }, label: string, lists: Restrictions): Record<string, string[]> | undefined {
    const inSpace = (r: { SpaceId?: string | null }) => !isSystem(r.SpaceId) && idKey(r.SpaceId!) === idKey(s.Id);
    const map: Record<string, string[]> = {};
    const ungrouped: string[] = [];
    let grouped = false;
    for (const g of this.scopes.projectGroups.values()) if (inSpace(g)) map[g.Name] ??= [];
    for (const p of this.dump.projects.filter(inSpace)) {
      const group = p.ProjectGroupId ? this.scopes.projectGroups.get(idKey(p.ProjectGroupId)) : undefined;
      if (p.ProjectGroupId && !group) this.report.push(`${label}: project group ${q(p.ProjectGroupId)} of project ${q(p.Name)} is not in the dump; the project is left out of the map of groups`);
      if (!group) ungrouped.push(p.Name);
      else {
        grouped = true;
        (map[group.Name] ??= []).push(p.Name);
      }
    }
    if (!grouped) return undefined;
    for (const g of Object.keys(map)) map[g] = sortedUnique(map[g]);
    if (ungrouped.length) lists.projects = sortedUnique(ungrouped);
    else delete lists.projects;
    delete lists.projectGroups;
    return map;
  }

  /** The spaces, with their restriction values, project groups and managers. */
  spacesOut(): ImportedSpace[] {
    const outSpaces: ImportedSpace[] = [];
    for (const s of this.dump.spaces) {
      const label = `space ${q(s.Name)}`;
      const own = this.managersOf.get(idKey(s.Id)) ?? [];
      const ownIds = new Set(own.map((t) => idKey(t.Id)));
      const members = [...s.SpaceManagersTeamMembers.map((id) => this.userName(id, label)), ...own.flatMap((t) => t.MemberUserIds.map((id) => this.userName(id, `${label}: Space Managers`)))];
      const managerTeams: string[] = [];
      for (const id of s.SpaceManagersTeams) {
        const t = this.teams.get(idKey(id));
        if (ownIds.has(idKey(id)) || (t && builtinTeam(t)?.kind === 'managers')) continue;
        if (!t) {
          this.report.push(`${label}: managing team ${q(id)} is not in the dump; left out`);
          continue;
        }
        managerTeams.push(this.teamName(id)!.name);
      }
      const scopeLists: Restrictions = {};
      for (const [dimension] of DIMENSION_FIELDS) {
        const names = [...this.scopes[dimension].values()].filter((r) => !isSystem(r.SpaceId) && idKey(r.SpaceId!) === idKey(s.Id)).map((r) => r.Name);
        if (names.length) scopeLists[dimension] = sortedUnique(names);
      }
      const groupProjects = this.groupMap(s, label, scopeLists);
      outSpaces.push({
        id: s.Id,
        name: s.Name,
        description: text(s.Description),
        scopes: scopeLists,
        ...(groupProjects ? { groupProjects } : {}),
        managers: { members: sortedUnique(members.filter((m): m is string => m !== undefined)), teams: sortedUnique(managerTeams) },
      });
    }

    return outSpaces;
  }

  /** `.octopus-roles/import-map.json`: names to ids. */
  importMap(): ImportMap {
    const entries = <T extends { Id: string }>(items: readonly T[], name: (i: T) => string, space?: (i: T) => string | undefined): MapEntry[] =>
      items.map((i) => ({ name: name(i), space: space?.(i), id: i.Id })).sort((a, b) => byName(a.space ?? '', b.space ?? '') || byName(a.name, b.name) || byName(a.id, b.id));
    const inSpace = (i: { SpaceId?: string | null }) => (isSystem(i.SpaceId) ? undefined : (this.spaceName(i.SpaceId!) ?? i.SpaceId!));
    return {
      version: 1,
      roles: entries(this.dump.userRoles, (r) => r.Name),
      teams: entries(this.dump.teams, (t) => this.teamName(t.Id)!.name, (t) => this.teamName(t.Id)!.space ?? (builtinTeam(t)?.kind === 'managers' ? inSpace({ SpaceId: (builtinTeam(t) as { spaceId?: string }).spaceId }) : undefined)),
      spaces: entries(this.dump.spaces, (s) => s.Name),
      users: entries(this.dump.users, (u) => u.Username),
      environments: entries(this.dump.environments, (r) => r.Name, inSpace),
      projects: entries(this.dump.projects, (r) => r.Name, inSpace),
      projectGroups: entries(this.dump.projectGroups, (r) => r.Name, inSpace),
      tenants: entries(this.dump.tenants, (r) => r.Name, inSpace),
      scopedUserRoles: this.mapAssignments.sort((a, b) => byName(a.teamSpace ?? '', b.teamSpace ?? '') || byName(a.team, b.team) || byName(a.role, b.role) || byName(a.space ?? '', b.space ?? '') || byName(a.id, b.id)),
    };
  }
}

/** Converts a dump; never throws for odd data. */
export function convertDump(dump: Dump): Imported {
  const c = new DumpConversion(dump);
  const roles = c.rolesOut();
  const teams = c.teamsOut();
  const spaces = c.spacesOut();
  return {
    roles: roles.sort((a, b) => byName(a.name, b.name) || byName(a.id, b.id)),
    teams: teams.sort((a, b) => byName(a.space ?? '', b.space ?? '') || byName(a.name, b.name) || byName(a.id, b.id)),
    spaces: spaces.sort((a, b) => byName(a.name, b.name) || byName(a.id, b.id)),
    map: c.importMap(),
    report: sortedUnique(c.report),
  };
}

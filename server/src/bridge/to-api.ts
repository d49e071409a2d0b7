/**
 * The reverse of an import: a workspace's model as the JSON a server with that model would return from
 * its list endpoints, with ids as Octopus makes them (`UserRoles-1`, `userroles-projectviewer`,
 * `teams-everyone`, `teams-spacemanagers-Spaces-1`, ...). The golden round-trip test and the stand-in server
 * of the pull tests serve it; ids are numbered in name order, so the same model gives the same dump.
 */
import { allBuiltinRoles, type Dimension, type ModelIndex, type RoleDoc, type SpaceDoc, type TeamDoc } from '../service';
import { BUILTIN_SYSTEM_TEAMS, BUILTIN_TEAMS, builtinRoleId, builtinTeamId, isBuiltinTeamName, SPACE_MANAGER, SPACE_MANAGERS, type BuiltinTeam } from '../service/catalog';
import type { ApiProject, ApiScopedUserRole, ApiSpace, ApiTeam, ApiUser, ApiUserRole, Dump } from './api';
import { byName } from './model';

/** The id a current server gives a built-in role (the catalog's one derivation). */
export { builtinRoleId };

const DIMENSION_PREFIX: Record<Dimension, string> = { environments: 'Environments', projects: 'Projects', projectGroups: 'ProjectGroups', tenants: 'Tenants' };
const FIELD: Record<Dimension, 'EnvironmentIds' | 'ProjectIds' | 'ProjectGroupIds' | 'TenantIds'> = {
  environments: 'EnvironmentIds',
  projects: 'ProjectIds',
  projectGroups: 'ProjectGroupIds',
  tenants: 'TenantIds',
};
const lower = (s: string) => s.trim().toLowerCase();

/** The first definition of each named document, by kind, in URI order. */
function docs(ws: ModelIndex): { roles: RoleDoc[]; teams: TeamDoc[]; spaces: SpaceDoc[] } {
  const out = { roles: [] as RoleDoc[], teams: [] as TeamDoc[], spaces: [] as SpaceDoc[] };
  const seen = new Set<string>();
  for (const uri of [...ws.uris()].sort()) {
    for (const doc of ws.model(uri)?.docs ?? []) {
      if (!doc.name) continue;
      const key = `${doc.kind}\u0000${doc.kind === 'team' ? lower(doc.space?.value ?? '') : ''}\u0000${lower(doc.name.value)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (doc.kind === 'role') out.roles.push(doc);
      else if (doc.kind === 'team') out.teams.push(doc);
      else if (doc.kind === 'space') out.spaces.push(doc);
    }
  }
  return out;
}

/** What the conversion of one workspace shares: its documents, the ids it gives, the records it makes. */
interface ApiBuild {
  readonly teams: readonly TeamDoc[];
  readonly spaceIds: Map<string, string>;
  readonly userId: Map<string, string>;
  readonly roleId: Map<string, string>;
  readonly scoped: Record<Dimension, ApiProject[]>;
  readonly apiTeams: ApiTeam[];
  readonly assignments: ApiScopedUserRole[];
  readonly teamId: Map<TeamDoc, string>;
}

const names = (list: { items: readonly { value: string }[] } | undefined) => list?.items.map((i) => i.value) ?? [];

/** The id of a restriction value of a space, made when first asked for. */
function scopeId(scoped: Record<Dimension, ApiProject[]>, d: Dimension, spaceId: string | undefined, name: string): string {
  const found = scoped[d].find((r) => (r.SpaceId ?? '') === (spaceId ?? '') && r.Name === name);
  if (found) return found.Id;
  const r = { Id: `${DIMENSION_PREFIX[d]}-${scoped[d].length + 1}`, Name: name, SpaceId: spaceId ?? null };
  scoped[d].push(r);
  return r.Id;
}

/** The users the teams and spaces name. */
function apiUsers(teams: readonly TeamDoc[], spaces: readonly SpaceDoc[]): ApiUser[] {
  const userNames = new Set<string>();
  for (const t of teams) if (!(t.space === undefined && BUILTIN_SYSTEM_TEAMS.some((b) => !b.membersChange && isBuiltinTeamName(t.name!.value, b.name)))) names(t.members).forEach((u) => userNames.add(u));
  for (const s of spaces) names(s.managers?.members).forEach((u) => userNames.add(u));
  return [...userNames].sort(byName).map((u, i) => ({ Id: `Users-${i + 1}`, Username: u }));
}

/** The spaces' restriction values, a project of a mapped group saying its group as the API's ProjectResource does. */
function apiScopes(spaces: readonly SpaceDoc[], spaceIds: Map<string, string>): Record<Dimension, ApiProject[]> {
  const scoped: Record<Dimension, ApiProject[]> = { environments: [], projects: [], projectGroups: [], tenants: [] };
  for (const s of [...spaces].sort((a, b) => byName(a.name!.value, b.name!.value))) {
    const spaceId = spaceIds.get(lower(s.name!.value));
    for (const d of Object.keys(FIELD) as Dimension[]) for (const n of names(s.scopes[d])) scopeId(scoped, d, spaceId, n);
    for (const g of s.groupProjects ?? []) {
      const groupId = scopeId(scoped, 'projectGroups', spaceId, g.name.value);
      for (const p of names(g.projects)) {
        const id = scopeId(scoped, 'projects', spaceId, p);
        const project = scoped.projects.find((r) => r.Id === id)!;
        scoped.projects[scoped.projects.indexOf(project)] = { ...project, ProjectGroupId: groupId };
      }
    }
  }
  return scoped;
}

/** Every built-in role (the workspace's version where it has one) and the custom roles, with their ids. */
function apiRoles(roles: readonly RoleDoc[]): { userRoles: ApiUserRole[]; roleId: Map<string, string> } {
  const userRoles: ApiUserRole[] = [];
  const roleId = new Map<string, string>();
  for (const b of allBuiltinRoles()) {
    const own = roles.find((r) => r.builtIn?.value === true && r.name!.value === b.name);
    const id = builtinRoleId(b.name);
    roleId.set(b.name, id);
    userRoles.push({
      Id: id,
      Name: b.name,
      Description: b.description,
      GrantedSpacePermissions: own ? names(own.spacePermissions) : [...b.spacePermissions],
      GrantedSystemPermissions: own ? names(own.systemPermissions) : [...b.systemPermissions],
      CanBeDeleted: false,
    });
  }
  const custom = roles.filter((r) => r.builtIn?.value !== true).sort((a, b) => byName(a.name!.value, b.name!.value));
  custom.forEach((r, i) => {
    roleId.set(r.name!.value, `UserRoles-${i + 1}`);
    userRoles.push({ Id: `UserRoles-${i + 1}`, Name: r.name!.value, GrantedSpacePermissions: names(r.spacePermissions), GrantedSystemPermissions: names(r.systemPermissions), CanBeDeleted: true });
  });
  return { userRoles, roleId };
}

/** One scoped user role. */
function assign(b: ApiBuild, teamId: string, role: string, spaceId: string | undefined, restrictions: Partial<Record<Dimension, readonly string[]>>): void {
  const sur: { -readonly [K in keyof ApiScopedUserRole]: ApiScopedUserRole[K] } = {
    Id: `ScopedUserRoles-${b.assignments.length + 1}`,
    UserRoleId: b.roleId.get(role) ?? role,
    TeamId: teamId,
    SpaceId: spaceId ?? null,
    EnvironmentIds: [],
    ProjectIds: [],
    ProjectGroupIds: [],
    TenantIds: [],
  };
  for (const d of Object.keys(FIELD) as Dimension[]) sur[FIELD[d]] = (restrictions[d] ?? []).map((n) => scopeId(b.scoped, d, spaceId, n));
  b.assignments.push(sur);
}

/**
 * The teams: the built-in system teams with their fixed ids and roles (System Administrator's team nothing
 * else), then the workspace's, each with its scoped user roles.
 */
function apiTeams(b: ApiBuild): void {
  const builtinOf = new Map<TeamDoc, BuiltinTeam>();
  for (const system of BUILTIN_SYSTEM_TEAMS) {
    const doc = b.teams.find((t) => !t.space && isBuiltinTeamName(t.name!.value, system.name));
    if (doc) builtinOf.set(doc, system);
    const members = system.membersChange ? names(doc?.members).map((u) => b.userId.get(u)!) : [];
    const groups = system.membersChange ? names(doc?.externalGroups).map((g) => ({ Id: g, DisplayName: g })) : [];
    b.apiTeams.push({ Id: system.id, Name: system.name, SpaceId: null, MemberUserIds: members, ExternalSecurityGroups: groups, CanBeDeleted: false });
    if (system.holds !== undefined) assign(b, system.id, system.holds, undefined, {});
  }
  const ordinary = b.teams.filter((t) => !builtinOf.has(t)).sort((x, y) => byName(x.space?.value ?? '', y.space?.value ?? '') || byName(x.name!.value, y.name!.value));
  ordinary.forEach((t, i) => b.teamId.set(t, `Teams-${i + 1}`));
  for (const [t, system] of builtinOf) b.teamId.set(t, system.id);
  for (const t of [...builtinOf.keys(), ...ordinary]) {
    const system = builtinOf.get(t);
    if (system && !system.rolesChange) continue; // its roles are fixed
    const id = b.teamId.get(t)!;
    const ownSpace = t.space ? (b.spaceIds.get(lower(t.space.value)) ?? t.space.value) : undefined;
    if (!system) {
      b.apiTeams.push({ Id: id, Name: t.name!.value, SpaceId: ownSpace ?? null, MemberUserIds: names(t.members).map((u) => b.userId.get(u)!), ExternalSecurityGroups: names(t.externalGroups).map((g) => ({ Id: g, DisplayName: g })), CanBeDeleted: true });
    }
    for (const a of t.assignments) {
      // The fixed role was given above.
      if (system && a.role.value === system.holds && !a.space && !a.restrictions.length) continue;
      const spaceId = ownSpace ?? (a.space ? (b.spaceIds.get(lower(a.space.value)) ?? a.space.value) : undefined);
      const restrictions: Partial<Record<Dimension, string[]>> = {};
      for (const r of a.restrictions) restrictions[r.dimension] = names(r.list);
      assign(b, id, a.role.value, spaceId, restrictions);
    }
  }
}

/** The spaces, each with its Space Managers team, its members and the teams that manage it. */
function apiSpaces(b: ApiBuild, spaces: readonly SpaceDoc[]): ApiSpace[] {
  const out: ApiSpace[] = [];
  for (const s of [...spaces].sort((x, y) => byName(x.name!.value, y.name!.value))) {
    const id = b.spaceIds.get(lower(s.name!.value))!;
    const managers = builtinTeamId(BUILTIN_TEAMS.find((t) => t.name === SPACE_MANAGERS)!, id);
    const members = names(s.managers?.members).map((u) => b.userId.get(u)!);
    b.apiTeams.push({ Id: managers, Name: SPACE_MANAGERS, SpaceId: id, MemberUserIds: members, ExternalSecurityGroups: [], CanBeDeleted: false });
    assign(b, managers, SPACE_MANAGER, id, {});
    const managing = names(s.managers?.teams).map((n) => {
      const t = b.teams.find((x) => lower(x.name!.value) === lower(n) && (!x.space || lower(x.space.value) === lower(s.name!.value)));
      return t ? b.teamId.get(t)! : n;
    });
    out.push({ Id: id, Name: s.name!.value, Description: null, SpaceManagersTeams: [managers, ...managing], SpaceManagersTeamMembers: members });
  }
  return out;
}

/** The dump a server holding this workspace's model would return. */
export function toApi(ws: ModelIndex): Dump {
  const { roles, teams, spaces } = docs(ws);
  const spaceIds = new Map<string, string>();
  [...spaces].sort((a, b) => byName(a.name!.value, b.name!.value)).forEach((s, i) => spaceIds.set(lower(s.name!.value), `Spaces-${i + 1}`));
  const users = apiUsers(teams, spaces);
  const { userRoles, roleId } = apiRoles(roles);
  const b: ApiBuild = { teams, spaceIds, userId: new Map(users.map((u) => [u.Username, u.Id])), roleId, scoped: apiScopes(spaces, spaceIds), apiTeams: [], assignments: [], teamId: new Map() };
  apiTeams(b);
  const apiSpaceList = apiSpaces(b, spaces);
  return {
    userRoles,
    teams: b.apiTeams,
    scopedUserRoles: b.assignments,
    spaces: apiSpaceList,
    users,
    environments: b.scoped.environments,
    projects: b.scoped.projects,
    projectGroups: b.scoped.projectGroups,
    tenants: b.scoped.tenants,
  };
}

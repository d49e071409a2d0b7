import { BUILTIN_ROLE_DESCRIPTIONS, PERMISSION_DESCRIPTIONS } from './descriptions';
import { BUILTIN_ROLE_FACTS, PERMISSION_FACTS, RETIRED_PERMISSION_FACTS } from './facts';
import type { Dimension, Level, RetiredPermissionFact } from './types';

export * from './types';

/** A permission of current Octopus, as hovers and completion show it. */
export interface Permission {
  readonly name: string;
  readonly level: Level;
  /** Restriction dimensions the permission honours; empty when it cannot be restricted. */
  readonly restrictions: readonly Dimension[];
  readonly description: string;
  /** Built-in roles that grant it, in catalog order. */
  readonly builtinRoles: readonly string[];
}

/** A built-in role: it exists in every workspace without being defined. */
export interface BuiltinRole {
  readonly name: string;
  readonly description: string;
  readonly systemPermissions: readonly string[];
  readonly spacePermissions: readonly string[];
}

/** The built-in role that alone can export and import projects, and cannot be restricted. */
export const SPACE_MANAGER = 'Space Manager';

/** The built-in role that Octopus Administrators holds; it is the one built-in role that cannot be edited. */
export const SYSTEM_ADMINISTRATOR = 'System Administrator';

/** The built-in role that Octopus Managers holds. */
export const SYSTEM_MANAGER = 'System Manager';

/**
 * The built-in teams (SPEC section 3; facts/octopus/builtin-teams.json): the system teams Everyone (every
 * user, always), Octopus Administrators (System Administrator, always) and Octopus Managers (System Manager,
 * always), and each space's Space Managers team. Every part of the product that names, recognises or writes
 * a built-in team reads it here.
 */
export const EVERYONE = 'Everyone';
export const OCTOPUS_ADMINISTRATORS = 'Octopus Administrators';
export const OCTOPUS_MANAGERS = 'Octopus Managers';
export const SPACE_MANAGERS = 'Space Managers';

export type BuiltinTeamName = typeof EVERYONE | typeof OCTOPUS_ADMINISTRATORS | typeof OCTOPUS_MANAGERS | typeof SPACE_MANAGERS;

/** A team every server has. */
export interface BuiltinTeam {
  readonly name: BuiltinTeamName;
  /** Its id; a Space Managers team's is `SPACE_MANAGERS_ID_PREFIX` followed by its space's id. */
  readonly id: string;
  readonly level: 'system' | 'space';
  /** The built-in role it always holds: at the system level, or in its space. None for Everyone. */
  readonly holds?: string;
  /** False where Octopus does not let its members or groups be set (Everyone holds every user). */
  readonly membersChange: boolean;
  /** False where Octopus does not let its roles be changed (Octopus Administrators). */
  readonly rolesChange: boolean;
  /** What it is, in a sentence for hovers. */
  readonly description: string;
}

export const SPACE_MANAGERS_ID_PREFIX = 'teams-spacemanagers-';

export const BUILTIN_TEAMS: readonly BuiltinTeam[] = [
  { name: EVERYONE, id: 'teams-everyone', level: 'system', membersChange: false, rolesChange: true, description: 'Holds every user, always: its members and external groups cannot be set, but roles may be given to it.' },
  {
    name: OCTOPUS_ADMINISTRATORS,
    id: 'teams-administrators',
    level: 'system',
    holds: SYSTEM_ADMINISTRATOR,
    membersChange: true,
    rolesChange: false,
    description: `Holds ${SYSTEM_ADMINISTRATOR} and nothing else: its roles cannot be changed; its members may.`,
  },
  { name: OCTOPUS_MANAGERS, id: 'teams-managers', level: 'system', holds: SYSTEM_MANAGER, membersChange: true, rolesChange: true, description: `Holds ${SYSTEM_MANAGER} at the system level, always; its members may change.` },
  {
    name: SPACE_MANAGERS,
    id: SPACE_MANAGERS_ID_PREFIX,
    level: 'space',
    holds: SPACE_MANAGER,
    membersChange: true,
    rolesChange: false,
    description: `Each space's own team: holds ${SPACE_MANAGER} in its space; its members are the space's managers.`,
  },
];

/** The built-in system teams: Everyone, Octopus Administrators, Octopus Managers. */
export const BUILTIN_SYSTEM_TEAMS: readonly BuiltinTeam[] = BUILTIN_TEAMS.filter((t) => t.level === 'system');

/** True when `name` names a built-in team as Octopus compares team names (trimmed, without case). */
export function isBuiltinTeamName(name: string, which: BuiltinTeamName): boolean {
  const trimmed = name.trim();
  // A name of another length is another name (most are), told without a copy: lower-casing lengthens only
  // U+0130, into an i with a combining dot, which no built-in name has.
  return trimmed.length === which.length && trimmed.toLowerCase() === which.toLowerCase();
}

/** The built-in system team a system team's name names (trimmed, without case), if any. */
export function builtinSystemTeam(name: string): BuiltinTeam | undefined {
  for (const t of BUILTIN_SYSTEM_TEAMS) if (isBuiltinTeamName(name, t.name)) return t;
  return undefined;
}

/** The built-in team an id names (ids compare without case), with the space id of a Space Managers team. */
export function builtinTeamOfId(id: string): { team: BuiltinTeam; spaceId?: string } | undefined {
  const lower = id.trim().toLowerCase();
  const system = BUILTIN_SYSTEM_TEAMS.find((t) => t.id === lower);
  if (system) return { team: system };
  if (lower.startsWith(SPACE_MANAGERS_ID_PREFIX) && lower.length > SPACE_MANAGERS_ID_PREFIX.length) {
    return { team: BUILTIN_TEAMS.find((t) => t.name === SPACE_MANAGERS)!, spaceId: id.trim().slice(SPACE_MANAGERS_ID_PREFIX.length) };
  }
  return undefined;
}

/** The id of a built-in team: a system team's, or the Space Managers team of the space `spaceId`. */
export function builtinTeamId(team: BuiltinTeam, spaceId?: string): string {
  return team.level === 'space' ? `${SPACE_MANAGERS_ID_PREFIX}${spaceId ?? 'SPACE_ID'}` : team.id;
}

/**
 * Permissions that only system teams can be given (Octopus docs, platform-hub: "can only be assigned to
 * system teams"): a role applied in a space does not grant them, even server-wide.
 */
export const SYSTEM_TEAM_ONLY_PERMISSIONS: ReadonlySet<string> = new Set(['PlatformHubView', 'PlatformHubEdit']);

/**
 * True for a permission that only lets its holder see or download things (`ProjectView`,
 * `VariableViewUnscoped`, `BuiltInFeedDownload`): the viewer roles (Project Viewer, Space Viewer, Read Only,
 * Environment Viewer) hold nothing else. Everything else changes something (`*Create`, `*Edit`, `*Delete`,
 * `Administer*`, `*Push`, `*Submit*`, `ConfigureServer`, ...).
 */
export function isViewingPermission(name: string): boolean {
  return /(View|ViewUnscoped|Download)$/.test(name);
}

const permissions = new Map<string, Permission>();
const permissionsLower = new Map<string, Permission>();
const builtinRoles = new Map<string, BuiltinRole>();
const builtinRolesLower = new Map<string, BuiltinRole>();
const retired = new Map<string, RetiredPermissionFact>();

for (const fact of PERMISSION_FACTS) {
  const roles = BUILTIN_ROLE_FACTS.filter((r) => r.system.includes(fact.name) || r.space.includes(fact.name)).map(
    (r) => r.name,
  );
  const permission: Permission = {
    name: fact.name,
    level: fact.level,
    restrictions: fact.restrictions,
    description: PERMISSION_DESCRIPTIONS[fact.name] ?? '',
    builtinRoles: roles,
  };
  permissions.set(fact.name, permission);
  permissionsLower.set(fact.name.toLowerCase(), permission);
}
for (const fact of BUILTIN_ROLE_FACTS) {
  const role: BuiltinRole = {
    name: fact.name,
    description: BUILTIN_ROLE_DESCRIPTIONS[fact.name] ?? '',
    systemPermissions: fact.system,
    spacePermissions: fact.space,
  };
  builtinRoles.set(fact.name, role);
  builtinRolesLower.set(fact.name.toLowerCase(), role);
}
for (const fact of RETIRED_PERMISSION_FACTS) retired.set(fact.name, fact);

/** Looks up a current permission by its exact name. */
export function getPermission(name: string): Permission | undefined {
  return permissions.get(name);
}

/** Looks up a current permission ignoring case (for "did you mean" on a mis-cased name). */
export function getPermissionIgnoreCase(name: string): Permission | undefined {
  return permissionsLower.get(name.toLowerCase());
}

/** All current permissions in catalog order. */
export function allPermissions(): Iterable<Permission> {
  return permissions.values();
}

/** A name that older Octopus versions used, with its replacement if there is one. */
export function getRetiredPermission(name: string): RetiredPermissionFact | undefined {
  return retired.get(name);
}

/** Looks up a built-in role by its exact name. */
export function getBuiltinRole(name: string): BuiltinRole | undefined {
  return builtinRoles.get(name);
}

/** Looks up a built-in role ignoring case: custom roles may not take such a name either. */
export function getBuiltinRoleIgnoreCase(name: string): BuiltinRole | undefined {
  return builtinRolesLower.get(name.toLowerCase());
}

/** The start of every built-in role's id. */
export const BUILTIN_ROLE_ID_PREFIX = 'userroles-';

/** The id a current server gives a built-in role: `userroles-` and its name's letters, lower case (`userroles-projectviewer`). */
export function builtinRoleId(name: string): string {
  return `${BUILTIN_ROLE_ID_PREFIX}${name.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

let rolesById: Map<string, BuiltinRole> | undefined;
/** The built-in role an id names (ids compare without case, as Octopus compares them). */
export function builtinRoleOfId(id: string): BuiltinRole | undefined {
  rolesById ??= new Map(Array.from(builtinRoles.values(), (r) => [builtinRoleId(r.name), r]));
  return rolesById.get(id.toLowerCase());
}

/** All built-in roles in catalog order. */
export function allBuiltinRoles(): Iterable<BuiltinRole> {
  return builtinRoles.values();
}

/** True when the permission may be granted in `spacePermissions`. */
export function appliesInSpace(level: Level): boolean {
  return level !== 'system';
}

/** True when the permission may be granted in `systemPermissions`. */
export function appliesAtSystem(level: Level): boolean {
  return level !== 'space';
}

/**
 * The restriction dimensions that restrict a permission whose facts list `restrictions`: a project-group
 * restriction stands for every project in the group, so it restricts every permission that supports
 * projects (SPEC section 1, rule 4).
 */
export function supportedDimensions(restrictions: readonly Dimension[]): readonly Dimension[] {
  return restrictions.includes('projects') && !restrictions.includes('projectGroups') ? [...restrictions, 'projectGroups'] : restrictions;
}

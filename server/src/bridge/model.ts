/**
 * The access model as an import produces it: plain data with names instead of ids, before it is written as
 * role, team and space files (bridge/yaml.ts). `diff --live` and the tests use it in memory.
 */
import type { Dimension } from '../service';

export type Restrictions = Partial<Record<Dimension, string[]>>;

export interface ImportedRole {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** This server's version of a built-in role (written only when it differs from the defaults). */
  readonly builtIn: boolean;
  readonly spacePermissions: string[];
  readonly systemPermissions: string[];
}

export interface ImportedAssignment {
  /** The scoped user role's id. */
  readonly id: string;
  readonly role: string;
  /** The space, for a system team's assignment applied in a space. */
  readonly space?: string;
  readonly restrictions: Restrictions;
}

export interface ImportedTeam {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** The space of a space team. */
  readonly space?: string;
  readonly members: string[];
  readonly externalGroups: string[];
  roles: ImportedAssignment[];
  /** True when the dump has no scoped user roles for the team: its roles are unknown, not none. */
  readonly rolesUnknown: boolean;
}

export interface ImportedSpace {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** The names the dump has per dimension (a dimension is present only when the dump has any of it). */
  readonly scopes: Restrictions;
  /**
   * Each project group with its projects (the projects' `ProjectGroupId`), when the dump says which group
   * any project of the space is in; `scopes.projects` then holds only the projects of no group.
   */
  readonly groupProjects?: Readonly<Record<string, readonly string[]>>;
  readonly managers: { readonly members: string[]; readonly teams: string[] };
}

/** One name and the id it had on the server, with the space it belongs to where names repeat per space. */
export interface MapEntry {
  readonly name: string;
  readonly space?: string;
  readonly id: string;
}

/** `.octopus-roles/import-map.json`: names to ids, for `export --map` and drift. */
export interface ImportMap {
  readonly version: 1;
  readonly roles: MapEntry[];
  readonly teams: MapEntry[];
  readonly spaces: MapEntry[];
  readonly users: MapEntry[];
  readonly environments: MapEntry[];
  readonly projects: MapEntry[];
  readonly projectGroups: MapEntry[];
  readonly tenants: MapEntry[];
  /** Role assignments: the team (and its space), the role, and the space it applies in. */
  readonly scopedUserRoles: { readonly team: string; readonly teamSpace?: string; readonly role: string; readonly space?: string; readonly id: string }[];
}

export interface Imported {
  readonly roles: ImportedRole[];
  readonly teams: ImportedTeam[];
  readonly spaces: ImportedSpace[];
  readonly map: ImportMap;
  /** What could not be carried over, one line each, sorted. */
  readonly report: string[];
}

/** Code-unit order, case-insensitive first: the same on every machine and locale. */
export function byName(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted without duplicates. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(byName);
}

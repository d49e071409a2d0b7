/**
 * The JSON an Octopus server's REST API returns for the access model, and how a dump of it is read: each
 * resource is recognised by its fields (SPEC section 10), whether it came in a bare array (the `/all`
 * endpoints), a page (`{ "Items": [...] }`) or alone. Field names follow Octopus's API reference and the
 * resource classes of its client library (UserRoleResource, TeamResource, ScopedUserRoleResource,
 * SpaceResource, UserResource, EnvironmentResource, ProjectResource, ProjectGroupResource, TenantResource).
 * Nothing here touches the network or the file system.
 */

/** A user role (`/api/userroles/all`). */
export interface ApiUserRole {
  readonly Id: string;
  readonly Name: string;
  readonly Description?: string | null;
  readonly GrantedSpacePermissions: readonly string[];
  readonly GrantedSystemPermissions: readonly string[];
  /** False for the built-in roles. */
  readonly CanBeDeleted?: boolean;
}

/** One external security group of a team; servers return `{}` for groups their provider no longer knows. */
export interface ApiExternalGroup {
  readonly Id?: string | null;
  readonly DisplayName?: string | null;
  readonly DisplayIdAndName?: boolean;
}

/** A team (`/api/teams/all`, `/api/{spaceId}/teams`); `SpaceId` null, missing or "" for a system team. */
export interface ApiTeam {
  readonly Id: string;
  readonly Name: string;
  readonly Description?: string | null;
  readonly SpaceId?: string | null;
  readonly MemberUserIds: readonly string[];
  readonly ExternalSecurityGroups: readonly ApiExternalGroup[];
  readonly CanBeDeleted?: boolean;
}

/** A role assignment (`/api/scopeduserroles`, `/api/teams/{id}/scopeduserroles`). */
export interface ApiScopedUserRole {
  readonly Id: string;
  readonly UserRoleId: string;
  readonly TeamId: string;
  /** Null, missing or "" when the role applies at the system level. */
  readonly SpaceId?: string | null;
  readonly EnvironmentIds: readonly string[];
  readonly ProjectIds: readonly string[];
  readonly ProjectGroupIds: readonly string[];
  readonly TenantIds: readonly string[];
}

/** A space (`/api/spaces/all`). */
export interface ApiSpace {
  readonly Id: string;
  readonly Name: string;
  readonly Description?: string | null;
  readonly SpaceManagersTeams: readonly string[];
  readonly SpaceManagersTeamMembers: readonly string[];
}

/** A user (`/api/users/all`). */
export interface ApiUser {
  readonly Id: string;
  readonly Username: string;
}

/** An environment, project, project group or tenant: what restrictions name. */
export interface ApiNamed {
  readonly Id: string;
  readonly Name: string;
  readonly SpaceId?: string | null;
}

/** A project: a name that restrictions name, in the project group `ProjectGroupId`. */
export interface ApiProject extends ApiNamed {
  readonly ProjectGroupId?: string | null;
}

export type ScopeKind = 'environments' | 'projects' | 'projectGroups' | 'tenants';

/** Everything a dump holds, each list without duplicate ids (the first occurrence wins). */
export interface Dump {
  readonly userRoles: ApiUserRole[];
  readonly teams: ApiTeam[];
  readonly scopedUserRoles: ApiScopedUserRole[];
  readonly spaces: ApiSpace[];
  readonly users: ApiUser[];
  readonly environments: ApiNamed[];
  readonly projects: ApiProject[];
  readonly projectGroups: ApiNamed[];
  readonly tenants: ApiNamed[];
}

export function emptyDump(): Dump {
  return { userRoles: [], teams: [], scopedUserRoles: [], spaces: [], users: [], environments: [], projects: [], projectGroups: [], tenants: [] };
}

/** Ids compare case-insensitively (`UserRoles-1`, `userroles-projectviewer`). */
export const idKey = (id: string): string => id.trim().toLowerCase();

/** True when a `SpaceId` means the system level. */
export const isSystem = (spaceId: string | null | undefined): boolean => spaceId === null || spaceId === undefined || spaceId.trim() === '';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: Json | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const optStr = (v: Json | undefined): string | null | undefined => (v === null ? null : str(v));

const PREFIXES: readonly [string, ScopeKind][] = [
  ['environments-', 'environments'],
  ['projectgroups-', 'projectGroups'],
  ['projects-', 'projects'],
  ['tenants-', 'tenants'],
];

/** What kind of resource `o` is, by its fields; undefined when it is none this product reads. */
function kindOf(o: JsonObject): keyof Dump | undefined {
  if (Array.isArray(o.GrantedSpacePermissions) || Array.isArray(o.GrantedSystemPermissions)) return 'userRoles';
  if (typeof o.UserRoleId === 'string' && typeof o.TeamId === 'string') return 'scopedUserRoles';
  if (Array.isArray(o.MemberUserIds) || Array.isArray(o.ExternalSecurityGroups)) return 'teams';
  if (Array.isArray(o.SpaceManagersTeams) || Array.isArray(o.SpaceManagersTeamMembers)) return 'spaces';
  if (typeof o.Username === 'string') return 'users';
  const id = str(o.Id)?.toLowerCase() ?? '';
  for (const [prefix, kind] of PREFIXES) if (id.startsWith(prefix)) return kind;
  return undefined;
}

/** Reads one resource of a known kind into its typed shape; undefined when a required field is missing. */
function typed(kind: keyof Dump, o: JsonObject): Dump[keyof Dump][number] | undefined {
  const Id = str(o.Id);
  if (Id === undefined || Id.trim() === '') return undefined;
  const Name = str(o.Name);
  switch (kind) {
    case 'userRoles':
      if (Name === undefined) return undefined;
      return {
        Id,
        Name,
        Description: optStr(o.Description),
        GrantedSpacePermissions: strings(o.GrantedSpacePermissions),
        GrantedSystemPermissions: strings(o.GrantedSystemPermissions),
        CanBeDeleted: typeof o.CanBeDeleted === 'boolean' ? o.CanBeDeleted : undefined,
      };
    case 'teams':
      if (Name === undefined) return undefined;
      return {
        Id,
        Name,
        Description: optStr(o.Description),
        SpaceId: optStr(o.SpaceId),
        MemberUserIds: strings(o.MemberUserIds),
        ExternalSecurityGroups: (Array.isArray(o.ExternalSecurityGroups) ? o.ExternalSecurityGroups : []).map((g) =>
          isObject(g) ? { Id: optStr(g.Id), DisplayName: optStr(g.DisplayName) } : {},
        ),
        CanBeDeleted: typeof o.CanBeDeleted === 'boolean' ? o.CanBeDeleted : undefined,
      };
    case 'scopedUserRoles':
      return {
        Id,
        UserRoleId: str(o.UserRoleId)!,
        TeamId: str(o.TeamId)!,
        SpaceId: optStr(o.SpaceId),
        EnvironmentIds: strings(o.EnvironmentIds),
        ProjectIds: strings(o.ProjectIds),
        ProjectGroupIds: strings(o.ProjectGroupIds),
        TenantIds: strings(o.TenantIds),
      };
    case 'spaces':
      if (Name === undefined) return undefined;
      return { Id, Name, Description: optStr(o.Description), SpaceManagersTeams: strings(o.SpaceManagersTeams), SpaceManagersTeamMembers: strings(o.SpaceManagersTeamMembers) };
    case 'users':
      return { Id, Username: str(o.Username)! };
    case 'projects':
      if (Name === undefined) return undefined;
      return { Id, Name, SpaceId: optStr(o.SpaceId), ProjectGroupId: optStr(o.ProjectGroupId) };
    default:
      if (Name === undefined) return undefined;
      return { Id, Name, SpaceId: optStr(o.SpaceId) };
  }
}

/** What reading a dump found, with a line for everything it skipped. */
export interface ReadResult {
  readonly dump: Dump;
  readonly problems: string[];
}

/**
 * Reads the files of a dump (sorted by name first, so that the first occurrence of an id is stable). A
 * file that is not JSON, or JSON of no known resource, is reported and skipped.
 */
export function readDump(files: readonly { readonly name: string; readonly text: string }[]): ReadResult {
  const dump = emptyDump();
  const problems: string[] = [];
  const seen = new Map<keyof Dump, Set<string>>();
  const add = (kind: keyof Dump, o: JsonObject, file: string) => {
    const r = typed(kind, o);
    if (!r) {
      problems.push(`${file}: skipped a resource without the fields its kind needs (${JSON.stringify(str(o.Id) ?? str(o.Name) ?? '?')})`);
      return;
    }
    const ids = seen.get(kind) ?? new Set<string>();
    seen.set(kind, ids);
    if (ids.has(idKey(r.Id))) return;
    ids.add(idKey(r.Id));
    (dump[kind] as unknown[]).push(r);
  };
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    let value: Json;
    try {
      value = JSON.parse(file.text.replace(/^\uFEFF/, '')) as Json;
    } catch (err) {
      problems.push(`${file.name}: not JSON (${err instanceof Error ? err.message : String(err)}); skipped`);
      continue;
    }
    let found = 0;
    let empty = true;
    const visit = (v: Json, depth: number) => {
      if (Array.isArray(v)) {
        for (const item of v) if (isObject(item)) visit(item, depth + 1);
        return;
      }
      if (!isObject(v)) return;
      if (!Array.isArray(v.Items) || v.Items.length) empty = false;
      const kind = kindOf(v);
      if (kind) {
        found++;
        add(kind, v, file.name);
        return;
      }
      if (Array.isArray(v.Items)) return visit(v.Items, depth + 1);
      // An object that bundles several lists (`{ "Teams": [...], "Spaces": [...] }`), one level deep.
      if (depth === 0) for (const inner of Object.values(v)) if (Array.isArray(inner) || (isObject(inner) && Array.isArray(inner.Items))) visit(inner, depth + 1);
    };
    visit(value, 0);
    // An empty list (a space without tenants) is data too; anything else of no known kind is reported.
    if (found === 0 && !(empty && (Array.isArray(value) || isObject(value)))) problems.push(`${file.name}: no user roles, teams, scoped user roles, spaces, users, environments, projects, project groups or tenants; skipped`);
  }
  return { dump, problems };
}

/** Merges dumps (the first occurrence of an id wins). */
export function mergeDumps(dumps: readonly Dump[]): Dump {
  const out = emptyDump();
  for (const key of Object.keys(out) as (keyof Dump)[]) {
    const ids = new Set<string>();
    for (const d of dumps) {
      for (const r of d[key]) {
        if (ids.has(idKey(r.Id))) continue;
        ids.add(idKey(r.Id));
        (out[key] as unknown[]).push(r);
      }
    }
  }
  return out;
}

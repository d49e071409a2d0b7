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

type Resource = Dump[keyof Dump][number];

/** The kinds whose names are a file's `name:`, which the YAML reader takes as missing when it is blank. */
const NAMED_FILES: ReadonlySet<keyof Dump> = new Set<keyof Dump>(['userRoles', 'teams', 'spaces']);

/** Reads one resource of a known kind into its typed shape; undefined when a required field is missing. */
function typed(kind: keyof Dump, o: JsonObject): Resource | undefined {
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

/**
 * The most bytes one dump file may have, and the default limit of one answer of a server: four times the
 * largest list a big server's endpoint gives, and far below what one string can hold.
 */
export const MAX_DUMP_FILE_BYTES = 64 * 1024 * 1024;

/**
 * The most bytes a whole dump may have, in files or in all the answers of one pull: it is read into memory
 * in full (and parsed: several times its size) before anything is written.
 */
export const MAX_DUMP_BYTES = 256 * 1024 * 1024;

/** What reading a dump found, with a line for everything it skipped. */
export interface ReadResult {
  readonly dump: Dump;
  readonly problems: string[];
}

/**
 * How deep arrays and objects may nest in a dump's JSON. Octopus's resources need a few levels (a page of
 * teams with their external groups is four); code that walks a value by recursion, JSON.stringify among
 * it, runs out of stack some thousands of levels down, so a deeper file is refused before it is parsed.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The offset of the first `[` or `{` in `text` that opens a level deeper than `max`, or -1. One pass
 * over the text without recursion; brackets inside strings do not count. Exact for valid JSON (invalid
 * JSON is JSON.parse's to reject).
 */
export function nestingPastAt(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: to the next quote that no backslash escapes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** JSON text (a byte-order mark allowed) as a value, or why it cannot be read, for the user. */
export function parseJson(text: string): { readonly value: unknown } | { readonly problem: string } {
  const deep = nestingPastAt(text);
  if (deep >= 0) return { problem: `nested more than ${MAX_JSON_DEPTH} levels deep (at character ${deep}), which no Octopus resource is` };
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (err) {
    return { problem: `not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
}

const LABELS: Record<keyof Dump, string> = {
  userRoles: 'user role',
  teams: 'team',
  scopedUserRoles: 'scoped user role',
  spaces: 'space',
  users: 'user',
  environments: 'environment',
  projects: 'project',
  projectGroups: 'project group',
  tenants: 'tenant',
};

/** Half of a UTF-16 surrogate pair without its other half: JSON can say it (`\ud800`), UTF-8 cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `r` with each lone surrogate in its strings replaced by U+FFFD, and the fields where that happened. A
 * file written with such a name would hold U+FFFD anyway (UTF-8 has no encoding for it), so the name read
 * back would not be the name written; replacing it here keeps files, import map and report alike.
 */
function wellFormed(r: Resource): { readonly resource: Resource; readonly fields: string[] } {
  const fields = new Set<string>();
  const fix = (v: unknown, field: string): unknown => {
    if (typeof v === 'string') {
      const fixed = v.replace(LONE_SURROGATE, '\ufffd');
      if (fixed !== v) fields.add(field);
      return fixed;
    }
    if (Array.isArray(v)) return v.map((x) => fix(x, field));
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x, field)]));
    return v;
  };
  const resource = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, fix(v, k)])) as unknown as Resource;
  return { resource, fields: [...fields] };
}

/**
 * Why `r` cannot be written so that it reads back the same, or undefined. The YAML reader takes a blank
 * `name:` as no name, and an empty string in a list as an error: a role, team or space with a blank
 * name, and a user, environment, project, project group or tenant with an empty one, cannot be written.
 * A scoped user role with a blank restriction id cannot either, and leaving the id out would widen it.
 */
function unwritableName(kind: keyof Dump, r: Resource): string | undefined {
  if (NAMED_FILES.has(kind) && 'Name' in r && r.Name.trim() === '') return 'its name is blank, and a role, team or space file without a name is no role, team or space';
  if ('Username' in r && r.Username === '') return 'its user name is empty, which a list in a file cannot hold';
  if (!NAMED_FILES.has(kind) && 'Name' in r && r.Name === '') return 'its name is empty, which a list in a file cannot hold';
  if ('EnvironmentIds' in r && [r.EnvironmentIds, r.ProjectIds, r.ProjectGroupIds, r.TenantIds].some((ids) => ids.some((id) => id.trim() === ''))) {
    return 'a restriction id is blank, which a list in a file cannot hold, and leaving it out would widen the assignment';
  }
  return undefined;
}

/** The fields of `o` that import reads, when `o` is a resource of a kind it reads: what `pull --save-json` keeps. */
export function resourceOf(o: unknown): Resource | undefined {
  if (!isObject(o)) return undefined;
  const kind = kindOf(o);
  return kind === undefined ? undefined : typed(kind, o);
}

/** Collects the resources of parsed dump files into one Dump, with the problems found on the way. */
class DumpReader {
  readonly dump = emptyDump();
  readonly problems: string[] = [];
  private readonly seen = new Map<keyof Dump, Set<string>>();

  private add(kind: keyof Dump, o: JsonObject, file: string): void {
    const r = typed(kind, o);
    if (!r) {
      this.problems.push(`${file}: skipped a resource without the fields its kind needs (${JSON.stringify(str(o.Id) ?? str(o.Name) ?? '?')})`);
      return;
    }
    const fixed = wellFormed(r);
    let resource = fixed.resource;
    const what = `${LABELS[kind]} ${JSON.stringify(resource.Id)}`;
    const unwritable = unwritableName(kind, resource);
    if (unwritable) {
      this.problems.push(`${file}: skipped ${what}: ${unwritable}`);
      return;
    }
    if (fixed.fields.length) this.problems.push(`${file}: ${what}: ${fixed.fields.join(', ')} held lone surrogates (half a UTF-16 pair, which no UTF-8 file can hold); each replaced by U+FFFD`);
    if (kind === 'userRoles') {
      const role = resource as ApiUserRole;
      const kept = { ...role, GrantedSpacePermissions: role.GrantedSpacePermissions.filter((p) => p !== ''), GrantedSystemPermissions: role.GrantedSystemPermissions.filter((p) => p !== '') };
      if (kept.GrantedSpacePermissions.length + kept.GrantedSystemPermissions.length < role.GrantedSpacePermissions.length + role.GrantedSystemPermissions.length) {
        this.problems.push(`${file}: ${what}: an empty permission name left out (a list in a file cannot hold it, and no permission has it)`);
        resource = kept;
      }
    }
    const ids = this.seen.get(kind) ?? new Set<string>();
    this.seen.set(kind, ids);
    if (ids.has(idKey(resource.Id))) return;
    ids.add(idKey(resource.Id));
    (this.dump[kind] as unknown[]).push(resource);
  }

  /** Reads one file's value: resources in arrays, pages and bundles (`{ "Teams": [...] }`, one level). */
  read(file: string, value: Json): void {
    let found = 0;
    let empty = true;
    // An explicit stack (children pushed in reverse, so they come out in order): no depth can exhaust it.
    const stack: [Json, number][] = [[value, 0]];
    while (stack.length) {
      const [v, depth] = stack.pop()!;
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) if (isObject(v[i])) stack.push([v[i], depth + 1]);
        continue;
      }
      if (!isObject(v)) continue;
      if (!Array.isArray(v.Items) || v.Items.length) empty = false;
      const kind = kindOf(v);
      if (kind) {
        found++;
        this.add(kind, v, file);
      } else if (Array.isArray(v.Items)) stack.push([v.Items, depth + 1]);
      else if (depth === 0) {
        const inner = Object.values(v).filter((x) => Array.isArray(x) || (isObject(x) && Array.isArray(x.Items)));
        for (let i = inner.length - 1; i >= 0; i--) stack.push([inner[i], depth + 1]);
      }
    }
    // An empty list (a space without tenants) is data too; anything else of no known kind is reported.
    if (found === 0 && !(empty && (Array.isArray(value) || isObject(value)))) this.problems.push(`${file}: no user roles, teams, scoped user roles, spaces, users, environments, projects, project groups or tenants; skipped`);
  }
}

const byFileName = <T extends { readonly name: string }>(files: readonly T[]): T[] => [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/**
 * Reads the files of a dump (sorted by name first, so that the first occurrence of an id is stable). A
 * file that is not JSON, is nested deeper than MAX_JSON_DEPTH, or is JSON of no known resource, is
 * reported and skipped; so is a role, team or space whose name is blank. Lone surrogates in strings
 * become U+FFFD, and are reported.
 */
export function readDump(files: readonly { readonly name: string; readonly text: string }[]): ReadResult {
  const reader = new DumpReader();
  for (const file of byFileName(files)) {
    const parsed = parseJson(file.text);
    if ('problem' in parsed) reader.problems.push(`${file.name}: ${parsed.problem}; skipped`);
    else reader.read(file.name, parsed.value as Json);
  }
  return { dump: reader.dump, problems: reader.problems };
}

/** `readDump` for values already parsed (by `parseJson`, as `pull` does), each named like a file. */
export function readDumpValues(values: readonly { readonly name: string; readonly value: unknown }[]): ReadResult {
  const reader = new DumpReader();
  for (const v of byFileName(values)) reader.read(v.name, v.value as Json);
  return { dump: reader.dump, problems: reader.problems };
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

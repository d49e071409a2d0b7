/**
 * The effective-access model a file or principal belongs to, whichever syntax it was read from. The YAML
 * files form one model; each Terraform module is a model of its own (SPEC section 9; model/scope.ts),
 * computed by model/teams.ts and model/modules.ts respectively. Features ask the model's `AccessScope` for
 * its teams, principals, objects and what it could not count, and never which syntax it came from: this
 * module is the one place that tells the models apart, so a third syntax adds its model here.
 */
import { accessNotes, moduleAccess, moduleLabel, modulesOf, notesFor, teamsOf, type AccessNote } from './access';
import { moduleUsername } from './modules';
import type { Principal, TeamEntry } from './grants';
import type { Doc, RoleDoc, Source, TeamDoc } from './types';
import type { ModelIndex } from './workspace';

/** One model of effective access. */
export interface AccessScope {
  /**
   * The model's key, as principals, teams and notes carry it (their `module`): undefined for the YAML
   * files' model, a module's folder URI for a Terraform module.
   */
  readonly id: string | undefined;
  /** A sentence that says which model a principal's access is in, when the workspace has several kinds. */
  readonly heading: string | undefined;
  /** The teams it counts. */
  teams(): TeamEntry[];
  /** What it could not count (computed facts) that concerns a principal reached through `teams`. */
  notesFor(teams: readonly TeamEntry[]): AccessNote[];
  /** The principal of this model a name stands for: principals of two models never merge. */
  principal(kind: Principal['kind'], name: string, space?: string): Principal;
  /** The user a member entry of this model names (a module's user resource stands for its username). */
  username(member: string): string;
  /** Why a team defined in this model may not be counted, in a sentence. */
  readonly uncountedTeam: string;
  /** Where the model's teams assign a role its file `uri` defines, and how many teams do. */
  roleUsers(uri: string, role: RoleDoc): { users: Source[]; teams: number };
  /**
   * The model's documents as the objects they define, file by file in URI order: role references by name,
   * and a team that is defined in parts (a team resource and the scoped user roles that target it) as its
   * parts, each with the team's name and space, which `partsJoin` says to join.
   */
  objects(): Doc[];
  /** True when documents with the same identity are parts of one object, false when the first counts. */
  readonly partsJoin: boolean;
}

/** The YAML files' model. */
function yamlScope(ws: ModelIndex): AccessScope {
  return {
    id: undefined,
    heading: undefined,
    teams: () => teamsOf(ws),
    notesFor: () => [],
    principal: (kind, name, space) => ({ kind, name, ...(space ? { space } : {}) }),
    username: (member) => member,
    uncountedTeam: 'Another team of this name is defined first; its definition counts.',
    roleUsers: (_uri, role) => (role.name ? roleUsersByName(ws, role.name.value) : { users: [], teams: 0 }),
    objects: () => filesOf(ws, undefined).flatMap((uri) => ws.model(uri)?.docs ?? []),
    partsJoin: false,
  };
}

/** A Terraform module's model. */
function moduleScope(ws: ModelIndex, module: string): AccessScope {
  return {
    id: module,
    heading: `In the Terraform module \`${moduleLabel(module)}\`.`,
    teams: () => moduleAccess(ws, module).teams,
    notesFor: (teams) => notesFor(accessNotes(ws, module), teams),
    principal: (kind, name, space) => ({ kind, name, ...(space ? { space } : {}), module }),
    username: (member) => moduleUsername(ws, module, member),
    uncountedTeam: 'Octopus refuses this team resource (a built-in team or an earlier resource has its name), so it grants nothing.',
    roleUsers: (uri, role) => roleUsersByAddress(ws.forFile(uri), role.address),
    objects: () => filesOf(ws, module).flatMap((uri) => moduleObjects(ws, uri)),
    partsJoin: true,
  };
}

/** The access model the file at `uri` belongs to. */
export function accessScopeOf(ws: ModelIndex, uri: string): AccessScope {
  return scopeWithId(ws, ws.model(uri)?.module);
}

/** The access model a principal, team or note belongs to, by its `module`. */
export function scopeWithId(ws: ModelIndex, id: string | undefined): AccessScope {
  return id === undefined ? yamlScope(ws) : moduleScope(ws, id);
}

/** Every access model of the workspace: the YAML files' first, then each module's, in URI order. */
export function accessScopes(ws: ModelIndex): AccessScope[] {
  return [yamlScope(ws), ...modulesOf(ws).map((m) => moduleScope(ws, m))];
}

/** The files of one model, sorted. */
function filesOf(ws: ModelIndex, id: string | undefined): string[] {
  return [...ws.uris()].filter((uri) => ws.model(uri) !== undefined && ws.model(uri)!.module === id).sort();
}

/**
 * Where the teams of the files in `referrers` assign the role `value` names, and how many teams do; a
 * team is known by `teamKey` (a module's team resource and the scoped user roles that target it are one).
 */
function roleUsersIn(ws: ModelIndex, referrers: Iterable<string>, value: string, teamKey: (d: TeamDoc, uri: string) => string): { users: Source[]; teams: number } {
  const users: Source[] = [];
  const teams = new Set<string>();
  for (const ref of [...referrers].sort()) {
    for (const d of ws.model(ref)?.docs ?? []) {
      if (d.kind !== 'team') continue;
      for (const a of d.assignments) {
        if (a.role.value !== value) continue;
        users.push({ uri: ref, span: a.role.span });
        teams.add(teamKey(d, ref));
      }
    }
  }
  return { users, teams: teams.size };
}

/** Where the YAML model's teams assign a role, by its name. */
const roleUsersByName = (ws: ModelIndex, role: string) => roleUsersIn(ws, ws.roleReferrers(role), role, (d) => `${d.space?.value ?? ''}/${d.name?.value ?? ''}`);

/** Where a module's teams assign a role, by its address (`view` is the module's view of the index). */
function roleUsersByAddress(view: ModelIndex, address: string | undefined): { users: Source[]; teams: number } {
  if (!address) return { users: [], teams: 0 };
  return roleUsersIn(view, view.addressReferrers(address), address, (d, uri) => d.target?.value ?? d.address ?? `${uri}#${d.index}`);
}

/**
 * A module file's documents as its rules read them (a scoped user role as an assignment of the team it
 * targets), with each assignment's role by name rather than by address.
 */
function moduleObjects(ws: ModelIndex, uri: string): Doc[] {
  const view = ws.forFile(uri);
  return (view.analysed(uri)?.docs ?? []).map((doc) => {
    if (doc.kind !== 'team') return doc;
    // Field by field, not by spreads: the workspace's model objects make their spans when read (model/compact.ts).
    const assignments = doc.assignments.map((a) => ({
      role: { value: view.resolveRole(a.role.value)?.name ?? a.role.value, span: a.role.span, computed: a.role.computed },
      span: a.span,
      space: a.space,
      spaceKey: a.spaceKey,
      restrictions: a.restrictions,
    }));
    return Object.assign(Object.create(Object.getPrototypeOf(doc) as object) as TeamDoc, doc, { assignments });
  });
}

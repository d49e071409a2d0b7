/**
 * Effective access (SPEC section 8): what every team, user and external group can do where, and which
 * assignments each right comes from, assembled from the teams (model/teams.ts) and their grants
 * (model/grants.ts).
 */
import { EVERYONE } from '../catalog';
import { grantKey, holdingKey, sortGrants, type Grant, type Holding, type Principal, type TeamEntry } from './grants';
import { recordsOf } from './records';

export * from './grants';
export { accessChange, admitsAll, recordsOf } from './records';
export { teamsOf } from './teams';
export { isEmptyBuiltinTeam, notesThatMatter } from './relevance';
export { accessTeams, accessNotes, moduleAccess, moduleLabel, moduleSpaces, modulesOf, notesFor, type AccessNote, type ModuleAccess } from './modules';

const lower = (s: string) => s.trim().toLowerCase();

/**
 * What every answer about a user leaves out (SPEC rule 5): a user may also hold what the teams of their
 * external groups hold, but the workspace does not say who is in a group.
 */
export const GROUPS_NOT_INCLUDED = 'access through external groups is not included: the workspace does not say who is in a group';

/**
 * What a principal holds: its restriction records (SPEC rule 5) of permissions and of roles, and the teams
 * they come through.
 */
export interface Access {
  readonly principal: Principal;
  readonly teams: readonly TeamEntry[];
  readonly grants: readonly Grant[];
  readonly holdings: readonly Holding[];
}

/** The teams whose grants reach a principal (SPEC rule 5). */
export function teamsReaching(all: readonly TeamEntry[], principal: Principal): TeamEntry[] {
  // Only the teams of the principal's own model reach it.
  const teams = all.filter((t) => t.module === principal.module);
  switch (principal.kind) {
    case 'team':
      return teams.filter((t) => lower(t.name) === lower(principal.name) && (t.space ?? '') === (principal.space ?? ''));
    case 'user':
      return teams.filter((t) => (t.name === EVERYONE && t.space === undefined) || t.members.includes(principal.name));
    case 'group':
      // Every member of a group is a user: Everyone's roles reach the group too.
      return teams.filter((t) => (t.name === EVERYONE && t.space === undefined) || t.groups.includes(principal.name));
  }
}

/** The effective access of one principal. */
export function accessOf(teams: readonly TeamEntry[], principal: Principal): Access {
  return accessFrom(principal, teamsReaching(teams, principal));
}

/** Every principal: each team, each user named anywhere, each external group. */
export function principalsOf(teams: readonly TeamEntry[]): Principal[] {
  return [...reachOf(teams).values()].map((r) => r.principal);
}

/**
 * A principal's key for maps: `team:SPACE/NAME`, `team:NAME`, `user:NAME` or `group:ID`, followed for a
 * module's principal by a NUL character and the module's URI (no name holds a NUL).
 */
export function principalKey(p: Principal): string {
  const base = p.kind === 'team' && p.space ? `team:${p.space}/${p.name}` : `${p.kind}:${p.name}`;
  return p.module === undefined ? base : `${base}\u0000${p.module}`;
}

/**
 * Every principal with the teams whose grants reach it (SPEC rule 5), before any record is gathered: the
 * YAML model's first, then each module's, each model on its own.
 */
export function reachOf(teams: readonly TeamEntry[]): Map<string, { principal: Principal; teams: TeamEntry[] }> {
  const models = new Map<string | undefined, TeamEntry[]>();
  for (const t of teams) {
    let list = models.get(t.module);
    if (!list) models.set(t.module, (list = []));
    list.push(t);
  }
  const out = new Map<string, { principal: Principal; teams: TeamEntry[] }>();
  for (const [module, list] of models) reachIn(list, module, out);
  return out;
}

/**
 * The order of users' and groups' names: English collation, whatever the machine's locale (the order of
 * principals in messages and reports is the same on every machine), from one collator (a comparison
 * through `localeCompare` sets up a collator each time).
 */
const byLocale = new Intl.Collator('en').compare;

/**
 * `names` in `byLocale` order. Names of lower-case ASCII letters, digits, dots and hyphens only (the usual
 * user names) collate as their code units do (hyphen, dot, digits, letters), and a plain sort of them is a
 * fraction of the collator's cost.
 */
function sortNames(names: string[]): string[] {
  for (let i = 0; i < names.length; i++) if (!PLAIN_NAME.test(names[i])) return names.sort(byLocale);
  return names.sort();
}

const PLAIN_NAME = /^[-.0-9a-z]*$/;

function reachIn(teams: readonly TeamEntry[], module: string | undefined, out: Map<string, { principal: Principal; teams: TeamEntry[] }>): void {
  for (let i = 0; i < teams.length; i++) {
    const principal = teamPrincipal(teams[i], module);
    out.set(principalKey(principal), { principal, teams: [teams[i]] });
  }
  usersAndGroups(teams, module, (principal, reaching) => out.set(principalKey(principal), { principal, teams: reaching }));
}

/**
 * A team of a model as a principal: a literal of one shape per set of fields (a spread makes each its own
 * hidden class and takes V8's slow path: a workspace has thousands of teams).
 */
export function teamPrincipal(t: TeamEntry, module: string | undefined): Principal {
  const space = t.space || undefined;
  return module === undefined ? (space ? { kind: 'team', name: t.name, space } : { kind: 'team', name: t.name }) : space ? { kind: 'team', name: t.name, space, module } : { kind: 'team', name: t.name, module };
}

/** True for the built-in Everyone team, which reaches every user and group of its model. */
export const isEveryone = (t: TeamEntry): boolean => t.name === EVERYONE && t.space === undefined;

/**
 * The users, then the external groups, of the teams of one model (each sorted by name), each with the
 * teams whose grants reach it (SPEC rule 5): Everyone first, then those that list it, in the model's
 * order, each once.
 */
export function usersAndGroups(teams: readonly TeamEntry[], module: string | undefined, visit: (principal: Principal, teams: TeamEntry[]) => void): void {
  const everyone = teams.filter(isEveryone);
  const users = new Map<string, TeamEntry[]>();
  const groups = new Map<string, TeamEntry[]>();
  // Teams are visited once each: a team already on a list is its last entry, or one of Everyone's (a
  // scan of a long list per member was most of this).
  const has = (list: TeamEntry[], t: TeamEntry) => list[list.length - 1] === t || (everyone.includes(t) && list.includes(t));
  // Indexed loops: this runs once per call, mostly before the engine optimizes it, and an unoptimized
  // for-of makes an iterator and a result object per member.
  for (let i = 0; i < teams.length; i++) {
    const t = teams[i];
    const members = t.members;
    for (let k = 0; k < members.length; k++) {
      let list = users.get(members[k]);
      if (!list) users.set(members[k], (list = everyone.slice()));
      if (!has(list, t)) list.push(t);
    }
    const ids = t.groups;
    for (let k = 0; k < ids.length; k++) {
      let list = groups.get(ids[k]);
      if (!list) groups.set(ids[k], (list = everyone.slice()));
      if (!has(list, t)) list.push(t);
    }
  }
  for (const [kind, names] of [['user', users], ['group', groups]] as const) {
    for (const name of sortNames([...names.keys()])) visit(module === undefined ? { kind, name } : { kind, name, module }, names.get(name)!);
  }
}

/** The access of a principal from the teams that reach it: its records, never merged into one (rule 5). */
export function accessFrom(principal: Principal, reaching: readonly TeamEntry[]): Access {
  return {
    principal,
    teams: reaching,
    grants: sortGrants(recordsOf(reaching.flatMap((t) => t.grants), grantKey)),
    holdings: sortGrants(recordsOf(reaching.flatMap((t) => t.holdings), holdingKey)),
  };
}

/**
 * The effective access of every principal at once, in time proportional to the size of the answer
 * (each user's teams are found through one index, not by scanning every team per user).
 */
export function allAccess(teams: readonly TeamEntry[]): Map<string, Access> {
  const out = new Map<string, Access>();
  for (const [key, { principal, teams: reaching }] of reachOf(teams)) out.set(key, accessFrom(principal, reaching));
  return out;
}


/**
 * Effective access (SPEC section 8): what every team, user and external group can do where, and which
 * assignments each right comes from, assembled from the teams (model/teams.ts) and their grants
 * (model/grants.ts).
 */
import { EVERYONE } from '../catalog';
import { grantKey, holdingKey, mergeGrants, sortGrants, type Grant, type Holding, type Principal, type TeamEntry } from './grants';

export * from './grants';
export { teamsOf } from './teams';

const lower = (s: string) => s.trim().toLowerCase();

/** What a principal holds: its grants and roles, merged, and the teams they come through. */
export interface Access {
  readonly principal: Principal;
  readonly teams: readonly TeamEntry[];
  readonly grants: readonly Grant[];
  readonly holdings: readonly Holding[];
}

/** The teams whose grants reach a principal (SPEC rule 5). */
export function teamsReaching(teams: readonly TeamEntry[], principal: Principal): TeamEntry[] {
  switch (principal.kind) {
    case 'team':
      return teams.filter((t) => lower(t.name) === lower(principal.name) && (t.space ?? '') === (principal.space ?? ''));
    case 'user':
      return teams.filter((t) => t.name === EVERYONE && t.space === undefined || t.members.includes(principal.name));
    case 'group':
      return teams.filter((t) => t.groups.includes(principal.name));
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

/** A principal's key for maps: `team:SPACE/NAME`, `team:NAME`, `user:NAME` or `group:ID`. */
export function principalKey(p: Principal): string {
  return p.kind === 'team' && p.space ? `team:${p.space}/${p.name}` : `${p.kind}:${p.name}`;
}

/** Every principal with the teams whose grants reach it (SPEC rule 5), without merging anything yet. */
export function reachOf(teams: readonly TeamEntry[]): Map<string, { principal: Principal; teams: TeamEntry[] }> {
  const out = new Map<string, { principal: Principal; teams: TeamEntry[] }>();
  const everyone = teams.filter((t) => t.name === EVERYONE && t.space === undefined);
  const users = new Map<string, TeamEntry[]>();
  const groups = new Map<string, TeamEntry[]>();
  for (const t of teams) {
    for (const m of t.members) {
      let list = users.get(m);
      if (!list) users.set(m, (list = [...everyone]));
      if (!list.includes(t)) list.push(t);
    }
    for (const g of t.groups) {
      let list = groups.get(g);
      if (!list) groups.set(g, (list = []));
      if (!list.includes(t)) list.push(t);
    }
  }
  for (const t of teams) {
    const principal: Principal = { kind: 'team', name: t.name, ...(t.space ? { space: t.space } : {}) };
    out.set(principalKey(principal), { principal, teams: [t] });
  }
  for (const [u, reaching] of [...users].sort(([a], [b]) => a.localeCompare(b))) out.set(principalKey({ kind: 'user', name: u }), { principal: { kind: 'user', name: u }, teams: reaching });
  for (const [g, reaching] of [...groups].sort(([a], [b]) => a.localeCompare(b))) out.set(principalKey({ kind: 'group', name: g }), { principal: { kind: 'group', name: g }, teams: reaching });
  return out;
}

/** The access of a principal from the teams that reach it. */
export function accessFrom(principal: Principal, reaching: readonly TeamEntry[]): Access {
  return {
    principal,
    teams: reaching,
    grants: sortGrants(mergeGrants(reaching.flatMap((t) => t.grants), grantKey)),
    holdings: sortGrants(mergeGrants(reaching.flatMap((t) => t.holdings), holdingKey)),
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


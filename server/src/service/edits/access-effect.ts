/**
 * What a change does to effective access (SPEC section 8), judged on the model itself: the fix engine
 * asks it of every fix, so that a fix is safe (fix-all, `check --fix`, fix-on-save) only when nobody gains
 * anything by it, and a fix that grants is offered in the editor only, titled with what it grants.
 *
 * A change can only alter the teams defined in the files it touches (the edited files and the files whose
 * diagnostics depend on them, which is how the index tracks references to roles and spaces) and the
 * built-in teams (a space's managers). Those teams are compared before and after; a user or group is then
 * compared over all of its teams, but only when one of those teams changed what it grants or who is in it:
 * a user who already held a right through another team gains nothing.
 */
import { accessChange, accessFrom, accessTeams, principalKey, teamsReaching, type Grant, type Principal, type TeamEntry } from '../model/access';
import type { ModelIndex } from '../model/workspace';

/** What one principal gains or loses through a change. */
export interface PrincipalChange {
  readonly principal: Principal;
  readonly gains: readonly Grant[];
  readonly losses: readonly Grant[];
}

/** The access a change makes: every principal whose rights it changes. */
export interface AccessEffect {
  readonly changes: readonly PrincipalChange[];
}

/** A team as one state of the model has it, with its grants computed while that state holds. */
interface TeamState {
  readonly principal: Principal;
  readonly grants: readonly Grant[];
  readonly members: readonly string[];
  readonly groups: readonly string[];
}

const teamPrincipal = (t: TeamEntry): Principal => ({ kind: 'team', name: t.name, ...(t.space ? { space: t.space } : {}), ...(t.module !== undefined ? { module: t.module } : {}) });

/** Every team's signature (equal exactly when a team grants the same), by its principal's key. */
function signatures(all: readonly TeamEntry[]): Map<string, string> {
  return new Map(all.map((t) => [principalKey(teamPrincipal(t)), t.signature]));
}

/**
 * The teams among `all` that a change can alter, with their grants read now: those defined in the
 * `touched` files, the built-in ones, and any other whose signature differs from `before` (a team that a
 * space's `managers.teams` names gains Space Manager through the space's file), as `pick` says.
 */
function statesOf(all: readonly TeamEntry[], pick: (t: TeamEntry, key: string) => boolean): Map<string, TeamState> {
  const out = new Map<string, TeamState>();
  for (const t of all) {
    const principal = teamPrincipal(t);
    const key = principalKey(principal);
    if (pick(t, key)) out.set(key, { principal, grants: accessFrom(principal, [t]).grants, members: t.members, groups: t.groups });
  }
  return out;
}

/** The users and groups whose access may differ: members of a team that changed, or newly in one. */
function candidates(before: Map<string, TeamState>, after: Map<string, TeamState>, changedTeams: ReadonlySet<string>): Principal[] {
  const out = new Map<string, Principal>();
  const add = (kind: 'user' | 'group', name: string, module: string | undefined) => {
    const p: Principal = { kind, name, ...(module !== undefined ? { module } : {}) };
    out.set(principalKey(p), p);
  };
  for (const [key, a] of after) {
    const b = before.get(key);
    const changed = changedTeams.has(key);
    for (const m of a.members) if (changed || !b?.members.includes(m)) add('user', m, a.principal.module);
    for (const g of a.groups) if (changed || !b?.groups.includes(g)) add('group', g, a.principal.module);
  }
  return [...out.values()];
}

/**
 * Applies a change (`apply`), measures what it does to access, and undoes it (`undo`); the model is as
 * it was when this returns. `apply` returns the files whose diagnostics the change may alter (as
 * `ModelIndex.setFile` does), the edited files among them; `whileApplied` is called once with them while
 * the change holds, for a caller that checks more than access (the fix engine counts errors there).
 */
export function accessEffect(ws: ModelIndex, apply: () => ReadonlySet<string>, undo: () => void, whileApplied?: (touched: ReadonlySet<string>) => void): AccessEffect {
  let first = whileApplied;
  const tried = <T>(read: (touched: ReadonlySet<string>) => T): T => {
    const touched = apply();
    try {
      first?.(touched);
      first = undefined;
      return read(touched);
    } finally {
      undo();
    }
  };
  const signatureBefore = signatures(accessTeams(ws));
  const [afterTeams, afterKeys] = tried((touched) => {
    const all = accessTeams(ws);
    const picked = statesOf(all, (t, key) => t.builtin || !t.definition || touched.has(t.definition.uri) || signatureBefore.get(key) !== t.signature);
    return [picked, signatures(all)] as const;
  });
  // Before: the same teams, and those the change removes.
  const beforeTeams = statesOf(accessTeams(ws), (_t, key) => afterTeams.has(key) || !afterKeys.has(key));
  const changes: PrincipalChange[] = [];
  const changedTeams = new Set<string>();
  for (const key of [...new Set([...beforeTeams.keys(), ...afterTeams.keys()])].sort()) {
    const b = beforeTeams.get(key);
    const a = afterTeams.get(key);
    const { gains, losses } = accessChange(b?.grants ?? [], a?.grants ?? []);
    if (!gains.length && !losses.length) continue;
    changedTeams.add(key);
    changes.push({ principal: (a ?? b)!.principal, gains, losses });
  }
  const seen = new Set<string>();
  const who = [...candidates(beforeTeams, afterTeams, changedTeams), ...candidates(afterTeams, beforeTeams, changedTeams)].filter((p) => !seen.has(principalKey(p)) && seen.add(principalKey(p)));
  if (!who.length) return { changes };
  // A user or group is compared over all of its teams, in both states.
  const allBefore = accessTeams(ws);
  const before = who.map((p) => accessFrom(p, teamsReaching(allBefore, p)).grants);
  const after = tried(() => {
    const allAfter = accessTeams(ws);
    return who.map((p) => accessFrom(p, teamsReaching(allAfter, p)).grants);
  });
  who.forEach((p, i) => {
    const { gains, losses } = accessChange(before[i], after[i]);
    if (gains.length || losses.length) changes.push({ principal: p, gains, losses });
  });
  return { changes };
}

/** True when the effect gives someone a right they did not have. */
export const grantsAccess = (effect: AccessEffect): boolean => effect.changes.some((c) => c.gains.length > 0);

const principalLabel = (p: Principal) => (p.kind === 'team' ? `team ${p.space ? `${p.space}/` : ''}${p.name}` : `${p.kind} ${p.name}`);

/**
 * What a change grants, in a few words for a fix's title: "grants System Manager server-wide to team
 * Ops", "grants DeploymentCreate, ProjectView in Finance to team Ops". A role that brings more than three
 * permissions is named as the role, with where it applies; otherwise its permissions are named.
 */
export function describeGains(effect: AccessEffect): string | undefined {
  const gaining = effect.changes.filter((c) => c.gains.length > 0);
  if (!gaining.length) return undefined;
  // Per role: the permissions gained, and where (a space, or server-wide).
  const byRole = new Map<string, { permissions: Set<string>; where: Set<string> }>();
  for (const c of gaining) {
    for (const g of c.gains) {
      const role = g.via[0]?.role ?? '';
      let entry = byRole.get(role);
      if (!entry) byRole.set(role, (entry = { permissions: new Set(), where: new Set() }));
      entry.permissions.add(g.permission);
      entry.where.add(g.scope === 'system' ? 'server-wide' : `in ${g.space}`);
    }
  }
  const whats = [...byRole].map(([role, { permissions, where }]) => {
    const places = [...where].sort((a, b) => (a === 'server-wide' ? 1 : b === 'server-wide' ? -1 : a.localeCompare(b)));
    const at = places.length > 2 ? `${places.slice(0, 2).join(', ')} and ${places.length - 2} more` : places.join(' and ');
    const names = [...permissions].sort();
    return `${names.length > 3 && role ? role : names.join(', ')} ${at}`;
  });
  const teams = gaining.filter((c) => c.principal.kind === 'team');
  const to = (teams.length ? teams : gaining).map((c) => principalLabel(c.principal));
  const whom = to.length > 2 ? `${to.slice(0, 2).join(', ')} and ${to.length - 2} more` : to.join(' and ');
  return `grants ${whats.slice(0, 2).join('; ')}${whats.length > 2 ? ` and ${whats.length - 2} more` : ''} to ${whom}`;
}

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
import { accessChange, accessFrom, accessTeams, principalKey, reachOf, type Grant, type Principal, type TeamEntry } from '../model/access';
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
  readonly signature: string;
  readonly grants: readonly Grant[];
  readonly members: readonly string[];
  readonly groups: readonly string[];
}

const teamPrincipal = (t: TeamEntry): Principal => ({ kind: 'team', name: t.name, ...(t.space ? { space: t.space } : {}), ...(t.module !== undefined ? { module: t.module } : {}) });

/**
 * The teams among `all`, with their signature and members read now (while the state holds), and their
 * access too unless `skip` says a team's signature shows it unchanged.
 */
function statesOf(all: readonly TeamEntry[], skip: (key: string, signature: string) => boolean = () => false): Map<string, TeamState> {
  const out = new Map<string, TeamState>();
  for (const t of all) {
    const principal = teamPrincipal(t);
    const key = principalKey(principal);
    const signature = t.signature;
    const grants = skip(key, signature) ? [] : accessFrom(principal, [t]).grants;
    out.set(key, { principal, signature, grants, members: t.members, groups: t.groups });
  }
  return out;
}

/**
 * The files a change to `edited` is likely to touch, read before it: those files, the files that refer to
 * the roles and spaces they define, and those of the teams their spaces' managers name.
 */
function likelyFiles(ws: ModelIndex, edited: Iterable<string>): Set<string> {
  const out = new Set<string>(edited);
  for (const uri of [...out]) {
    for (const doc of ws.model(uri)?.docs ?? []) {
      const name = doc.name?.value;
      if (!name) continue;
      if (doc.kind === 'role') for (const u of ws.roleReferrers(name)) out.add(u);
      if (doc.kind === 'space') for (const u of ws.spaceReferrers(name)) out.add(u);
    }
  }
  for (const u of managerFiles(ws, out)) out.add(u);
  return out;
}

/**
 * The files defining the teams that the `managers.teams` of the spaces in `uris` name: those teams hold
 * Space Manager through the space's file, so a change to it changes them.
 */
function managerFiles(ws: ModelIndex, uris: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const uri of uris) {
    for (const doc of ws.model(uri)?.docs ?? []) {
      if (doc.kind !== 'space' || !doc.name) continue;
      for (const t of doc.managers?.teams?.items ?? []) {
        for (const def of [...ws.teamDefinitions(t.value, undefined), ...ws.teamDefinitions(t.value, doc.name.value)]) out.add(def.uri);
      }
    }
  }
  return out;
}

/**
 * The users and groups that may gain when no team does: those newly in a team (a user who is in no more
 * teams than before, of which none grants more, gains nothing).
 */
function newcomers(before: Map<string, TeamState>, after: Map<string, TeamState>): Principal[] {
  const out = new Map<string, Principal>();
  const add = (kind: 'user' | 'group', name: string, module: string | undefined) => {
    const p: Principal = { kind, name, ...(module !== undefined ? { module } : {}) };
    out.set(principalKey(p), p);
  };
  for (const [key, a] of after) {
    const b = before.get(key);
    for (const m of a.members) if (!b?.members.includes(m)) add('user', m, a.principal.module);
    for (const g of a.groups) if (!b?.groups.includes(g)) add('group', g, a.principal.module);
  }
  return [...out.values()];
}

/**
 * Applies a change (`apply`), measures what it does to access, and undoes it (`undo`); the model is as
 * it was when this returns. `apply` returns the files whose diagnostics the change may alter (as
 * `ModelIndex.setFile` does), the edited files among them; `whileApplied` is called once with them while
 * the change holds, for a caller that checks more than access (the fix engine counts errors there).
 *
 * Cheap for the common change: only the teams of the touched files are read (`edited` names the files the
 * change edits or creates), and those that a touched space's `managers.teams` names. Users and groups
 * can gain without any team gaining only by joining a team: those newcomers are compared over all their
 * teams. What users and groups lose is not listed (their teams' losses are).
 */
export function accessEffect(ws: ModelIndex, edited: Iterable<string>, apply: () => ReadonlySet<string>, undo: () => void, whileApplied?: (touched: ReadonlySet<string>) => void): AccessEffect {
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
  // Signatures first, of the teams the change is likely to touch (those of the edited files, of the files
  // that refer to what they define, and of the teams their spaces' managers name): a team whose signature
  // the change leaves alone grants the same, and its access is never computed.
  const likely = likelyFiles(ws, edited);
  const signatureBefore = new Map([...statesOf(accessTeams(ws, likely), () => true)].map(([k, v]) => [k, v.signature]));
  const [files, afterTeams] = tried((touched) => {
    const read = new Set([...touched, ...likely, ...managerFiles(ws, touched)]);
    return [read, statesOf(accessTeams(ws, read), (key, signature) => signatureBefore.get(key) === signature)] as const;
  });
  const beforeTeams = statesOf(accessTeams(ws, files), (key, signature) => afterTeams.get(key)?.signature === signature);
  const changes: PrincipalChange[] = [];
  for (const key of [...new Set([...beforeTeams.keys(), ...afterTeams.keys()])].sort()) {
    const b = beforeTeams.get(key);
    const a = afterTeams.get(key);
    if (a && b && a.signature === b.signature) continue; // equal signatures grant the same
    const { gains, losses } = accessChange(b?.grants ?? [], a?.grants ?? []);
    if (!gains.length && !losses.length) continue;
    changes.push({ principal: (a ?? b)!.principal, gains, losses });
  }
  if (changes.some((c) => c.gains.length)) return { changes };
  const who = newcomers(beforeTeams, afterTeams);
  if (!who.length) return { changes };
  // A newcomer is compared over all of its teams, in both states.
  const grantsOf = () => {
    const reach = reachOf(accessTeams(ws));
    return who.map((p) => accessFrom(p, reach.get(principalKey(p))?.teams ?? []).grants);
  };
  const before = grantsOf();
  const after = tried(grantsOf);
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

/**
 * What a run of changes to the workspace can alter in the proof of an access policy (SPEC section 11), so
 * that the editor re-proves only those policies and keeps the others' results (model/policies.ts).
 *
 * A policy's result depends on the teams that hold its subject (a permission or capability) where its
 * context says, their grants of it there and their sources, the principals those teams reach, and the
 * principals its lists name. So:
 *
 * - a team file whose teams keep their names alters the policies over each subject whose grants of one of
 *   its teams differ between the two versions (in the grant's space, or everywhere for a server-wide grant);
 *   of a team whose members or groups change, the `only` policies over each subject it holds (who its
 *   unlisted holders reach) and the `includes` policies listing a user or group it gained or lost (an
 *   `unrestricted: none` policy is about teams alone, and a listed team's records do not depend on its
 *   members); and every policy when a user or group appears in the model or leaves it (Everyone reaches
 *   them all, and lists name them);
 * - a team renamed (one in a run of changes, from a name no other team has to one no other team has, neither
 *   a built-in team's nor one a space's managers list) is the old team removed and the new one added: the
 *   policies over every subject it holds, before or after, and those whose lists name either name;
 * - a role file whose roles keep their names alters the policies over each permission of a role whose
 *   lists change (before or after), everywhere, since the role may be applied in any space;
 * - anything else (a space, a Terraform file, a file added, removed or renamed in a name) may alter any.
 *
 * Each answer is a superset of what really changed: a policy left out cannot have changed.
 */
import { BUILTIN_TEAMS, SPACE_MANAGER } from '../catalog';
import { CAPABILITIES, type Grant, type Holding } from './grants';
import { parsePrincipal } from './policy-terms';
import { reachedBy, teamDocAccess } from './teams';
import type { Doc, FileModel, PolicyDoc, RoleDoc, SpaceDoc, TeamDoc } from './types';
import type { FileChange, ModelIndex } from './workspace';

/** The key of a server-wide grant: it answers a query of any space. */
export const EVERY_SPACE = '\u0000system';

/** Per subject, the spaces (or EVERY_SPACE) where something of its holders may have changed. */
type BySubject = ReadonlyMap<string, ReadonlySet<string>>;

/** What changes can alter, or 'all' when any policy's result may have changed. */
export type PolicyImpact =
  | 'all'
  | {
      /** Where the holders' grants may have changed. */
      readonly subjects: BySubject;
      /** Where only who the holders reach may have changed (their members and groups). */
      readonly reach: BySubject;
      /** The users and groups a team gained or lost (`user:NAME`, `group:ID`). */
      readonly moved: ReadonlySet<string>;
      /** The names (trimmed, lower-cased) of a team renamed, before and after. */
      readonly renamed: ReadonlySet<string>;
    };

type Impact = Map<string, Set<string>>;

const add = (out: Impact, subject: string, space: string) => {
  let spaces = out.get(subject);
  if (!spaces) out.set(subject, (spaces = new Set()));
  spaces.add(space);
};

/** True when `by` holds `subject` in `space` (undefined: every space). */
function within(by: BySubject, subject: string, space: string | undefined): boolean {
  const spaces = by.get(subject);
  return spaces !== undefined && (space === undefined || spaces.has(EVERY_SPACE) || spaces.has(space));
}

/** True when a policy over `subject` (its permission or capability) may have a different result. */
export function impactReaches(impact: PolicyImpact, policy: PolicyDoc, subject: string): boolean {
  if (impact === 'all') return true;
  const space = policy.context.space?.value;
  if (within(impact.subjects, subject, space) || (policy.only && within(impact.reach, subject, space))) return true;
  if (!impact.moved.size && !impact.renamed.size) return false;
  for (const item of [...(policy.only?.items ?? []), ...(policy.includes?.items ?? [])]) {
    const p = parsePrincipal(item.value);
    if (p && p.kind !== 'team' && impact.moved.has(`${p.kind}:${p.rest}`)) return true;
    // A team renamed: what who-can's `team:NAME` or `team:SPACE/NAME` (trimmed, without case) resolves to may have changed.
    if (p?.kind === 'team' && (impact.renamed.has(lower(p.rest)) || impact.renamed.has(lower(p.rest.slice(p.rest.indexOf('/') + 1))))) return true;
  }
  return false;
}

const lower = (s: string) => s.trim().toLowerCase();

const allOf = <D extends Doc>(model: FileModel, kind: D['kind']): model is FileModel & { docs: readonly D[] } => model.docs.every((d) => d.kind === kind);

/** What `changes` (oldest first) can alter in the proofs of policies over the YAML model of `ws`. */
export function policyImpact(ws: ModelIndex, changes: readonly FileChange[]): PolicyImpact {
  const out: Impact = new Map();
  const reach: Impact = new Map();
  const movedNames = new Set<string>();
  const renames: Rename[] = [];
  const firstBefore = new Map<string, FileModel>();
  for (const change of changes) {
    const yaml = yamlChange(change);
    if (yaml === 'no access') continue;
    if (!yaml) return 'all';
    const { uri, before, after } = yaml;
    if (!firstBefore.has(uri)) firstBefore.set(uri, before);
    if (allOf<TeamDoc>(before, 'team') && allOf<TeamDoc>(after, 'team')) {
      if (!teamChange(ws, uri, before.docs, after.docs, { grants: out, reach }, movedNames, renames)) return 'all';
    } else if (allOf<RoleDoc>(before, 'role') && allOf<RoleDoc>(after, 'role')) {
      if (!roleChange(before.docs, after.docs, out)) return 'all';
    } else return 'all';
  }
  // One rename in the run: the other changes keep every name, so the renamed team was the only one of its
  // old name before them exactly when no team has that name now.
  if (renames.length > 1 || (renames.length === 1 && !soleRename(ws, renames[0]))) return 'all';
  if (movedNames.size && !sameReach(ws, movedNames, firstBefore)) return 'all';
  return { subjects: out, reach, moved: movedNames, renamed: new Set(renames.flatMap((r) => [lower(r.before.name!.value), lower(r.after.name!.value)])) };
}

/** A team document renamed by a change: its version before and after, in the file at `uri`. */
interface Rename {
  readonly uri: string;
  readonly before: TeamDoc;
  readonly after: TeamDoc;
}

/**
 * True when a rename is the old team removed and the new one added: no team but it has either name now (so
 * no other team comes to count or stops counting), neither name is a built-in team's (their rules differ),
 * and no space's managers list either name (the managing team would change: a space change's work).
 */
function soleRename(ws: ModelIndex, r: Rename): boolean {
  const space = r.after.space?.value;
  if (space !== undefined && space !== space.trim()) return false;
  const names = [r.before.name!.value, r.after.name!.value].map(lower);
  if (names.some((n) => BUILTIN_TEAMS.some((b) => lower(b.name) === n))) return false;
  if (ws.teamDefinitions(r.before.name!.value, space).length) return false;
  const now = ws.teamDefinitions(r.after.name!.value, space);
  if (now.length !== 1 || now[0].uri !== r.uri || now[0].doc.index !== r.after.index || ws.model(r.uri)?.module !== undefined) return false;
  for (const n of ws.spaceNames()) {
    for (const s of ws.spaceDefinitions(n)) if (s.doc.managers?.teams?.items.some((t) => names.includes(lower(t.value)))) return false;
  }
  return true;
}

/**
 * The files that `changes` changed when every change kept a YAML file of teams a file of teams (policy
 * files aside); undefined when one did not.
 */
export function teamFilesOf(changes: readonly FileChange[]): Set<string> | undefined {
  const files = new Set<string>();
  for (const change of changes) {
    const yaml = yamlChange(change);
    if (yaml === 'no access') continue;
    if (!yaml || !allOf<TeamDoc>(yaml.before, 'team') || !allOf<TeamDoc>(yaml.after, 'team')) return undefined;
    files.add(yaml.uri);
  }
  return files;
}

/**
 * A change as the incremental proofs read it: 'no access' for a policy file's (it holds none), both
 * versions for a change to a YAML file that stays, undefined for anything else (a file added or removed,
 * a Terraform file or module), which may alter any policy.
 */
function yamlChange({ uri, before, after }: FileChange): 'no access' | { uri: string; before: FileModel; after: FileModel } | undefined {
  if ((!before || before.kind === 'policy') && (!after || after.kind === 'policy')) return 'no access';
  if (!before || !after || before.module !== undefined || after.module !== undefined || before.syntax === 'terraform' || after.syntax === 'terraform') return undefined;
  return { uri, before, after };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A team file's change, when its teams keep their names or one is renamed (`renames`, checked by the
 * caller): adds the subjects whose grants differ, those of a team whose members or groups change (to
 * `reach`), and the users and groups that a team gained or lost (`moved`). False when a space or target changed, or a name appeared or went.
 */
function teamChange(ws: ModelIndex, uri: string, before: readonly TeamDoc[], after: readonly TeamDoc[], out: { grants: Impact; reach: Impact }, moved: Set<string>, renames: Rename[]): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) {
    const a = before[i];
    const b = after[i];
    // Names decide which team counts (the first of a name), how principals are written and resolved.
    if (a.space?.value !== b.space?.value || a.target?.value !== b.target?.value || !a.name !== !b.name) return false;
    if (!a.name || !b.name) continue;
    // Every grant's sources name the team: a renamed team's subjects all differ below.
    if (a.name.value !== b.name.value) {
      if (a.target || b.target) return false;
      renames.push({ uri, before: a, after: b });
    }
    const ra = reachedBy(a);
    const rb = reachedBy(b);
    const ga = subjectsOf(teamDocAccess(ws, uri, a));
    const gb = subjectsOf(teamDocAccess(ws, uri, b));
    const reachChanged = !sameList(ra.members, rb.members) || !sameList(ra.groups, rb.groups);
    for (const key of new Set([...ga.keys(), ...gb.keys()])) {
      if (ga.get(key) !== gb.get(key)) add(out.grants, ...(key.split('\u0001') as [string, string]));
      else if (reachChanged) add(out.reach, ...(key.split('\u0001') as [string, string]));
    }
    if (reachChanged) {
      for (const [x, y, kind] of [[ra.members, rb.members, 'user'], [ra.groups, rb.groups, 'group']] as const) {
        const xs = new Set(x);
        const ys = new Set(y);
        for (const n of x) if (!ys.has(n)) moved.add(`${kind}:${n}`);
        for (const n of y) if (!xs.has(n)) moved.add(`${kind}:${n}`);
      }
    }
  }
  return true;
}

/** A team's grants and capability holdings by subject and space, each key with its grants as one string. */
function subjectsOf(own: { grants: readonly Grant[]; holdings: readonly Holding[] }): Map<string, string> {
  const parts = new Map<string, string[]>();
  const put = (subject: string, space: string, g: Grant | Holding) => {
    const key = `${subject}\u0001${space}`;
    const text = JSON.stringify([g.scope, g.space ?? null, g.restrictions, g.groupProjects ?? null, g.via.map((v) => [v.team, v.teamSpace ?? null, v.role, v.uri ?? null, v.span?.start ?? null, v.span?.end ?? null, v.implicit])]);
    const list = parts.get(key);
    if (list) list.push(text);
    else parts.set(key, [text]);
  };
  for (const g of own.grants) put(g.permission, g.scope === 'system' ? EVERY_SPACE : (g.space ?? ''), g);
  for (const h of own.holdings) {
    // A capability is a role held in a space (model/policies.ts reads Space Manager's holdings so).
    if (h.scope === 'space') for (const c of CAPABILITIES) if (c.role === h.role) put(c.id, h.space ?? '', h);
  }
  return new Map([...parts].map(([k, list]) => [k, list.sort().join('\n')]));
}

/**
 * A role file's change, when its roles keep their names and whether they describe a built-in role: adds
 * every permission of a role whose lists changed, everywhere. False when a name changed.
 */
function roleChange(before: readonly RoleDoc[], after: readonly RoleDoc[], out: Impact): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) {
    const a = before[i];
    const b = after[i];
    if (a.name?.value !== b.name?.value || a.builtIn?.value !== b.builtIn?.value) return false;
    const lists = (r: RoleDoc) => [...(r.spacePermissions?.items ?? []), ...(r.systemPermissions?.items ?? [])].map((n) => n.value);
    const space = (r: RoleDoc) => (r.spacePermissions?.items ?? []).map((n) => n.value);
    const la = lists(a);
    const lb = lists(b);
    if (sameList(la, lb) && sameList(space(a), space(b))) continue;
    for (const p of [...la, ...lb]) add(out, p, EVERY_SPACE);
    // A change of shape refuses or allows its assignments, and with them the role's holdings.
    if (a.name && lower(a.name.value) === lower(SPACE_MANAGER)) for (const c of CAPABILITIES) add(out, c.id, EVERY_SPACE);
  }
  return true;
}

/**
 * True when each of `names` (`user:NAME`, `group:ID`) is a principal of the YAML model both before the
 * changes (each changed file as `firstBefore` has it) and now, or of neither. The model's users and groups
 * are those of the teams that count and of each space's managers, as `teamsOf` reads them: the first team
 * of a name in file order, the space `spacesOf` picks for a name. The changes keep every name, so the same
 * documents count on both sides.
 */
function sameReach(ws: ModelIndex, names: ReadonlySet<string>, firstBefore: ReadonlyMap<string, FileModel>): boolean {
  const users = new Set<string>();
  const groups = new Set<string>();
  for (const n of names) (n.startsWith('user:') ? users : groups).add(n.slice(n.indexOf(':') + 1));
  if (listedElsewhere(ws, users, groups, firstBefore)) return true;
  const now = new Set<string>();
  const then = new Set<string>();
  const managed = new Set<SpaceDoc>();
  for (const n of ws.spaceNames()) {
    const space = ws.resolveSpace(n) ?? ws.spaceDefinitions(n)[0];
    if (space) managed.add(space.doc);
  }
  // Most documents list none of the names: only those that do are asked whether they count.
  const lists = (doc: Doc | undefined): boolean =>
    doc?.kind === 'team'
      ? !!(doc.members?.items.some((m) => users.has(m.value)) || doc.externalGroups?.items.some((g) => groups.has(g.value)))
      : doc?.kind === 'space' && !!doc.managers?.members?.items.some((m) => users.has(m.value));
  const visit = (doc: Doc, into: Set<string>) => {
    const r = doc.kind === 'team' ? reachedBy(doc) : { members: doc.kind === 'space' ? (doc.managers?.members?.items.map((m) => m.value) ?? []) : [], groups: [] };
    for (const m of r.members) if (users.has(m)) into.add(`user:${m}`);
    for (const g of r.groups) if (groups.has(g)) into.add(`group:${g}`);
  };
  for (const uri of ws.uris()) {
    const model = ws.model(uri);
    if (!model || model.module !== undefined) continue;
    const before = firstBefore.get(uri);
    for (const doc of model.docs) {
      // The same document of the earlier version: the changes kept every team's name and place.
      const earlier = before ? before.docs.find((d) => d.index === doc.index) : doc;
      if (!lists(doc) && !lists(earlier)) continue;
      if (doc.kind === 'space') {
        if (managed.has(doc)) {
          visit(doc, now);
          visit(doc, then);
        }
        continue;
      }
      if (doc.kind !== 'team' || !doc.name || earlier?.kind !== 'team') return false;
      const counted = counts(ws, uri, doc);
      if (counted === undefined) return false;
      if (!counted) continue;
      visit(doc, now);
      visit(earlier, then);
    }
  }
  return [...names].every((n) => now.has(n) === then.has(n));
}

/**
 * True when each of `users` and `groups` is listed by a team that counts in a file the changes left alone:
 * the same team counted before them (they keep every other team's name, and a rename takes a name no other
 * team has), so each is a principal on both sides. Most users are in many teams: the scan stops at the
 * first file that lists the last of them.
 */
function listedElsewhere(ws: ModelIndex, users: ReadonlySet<string>, groups: ReadonlySet<string>, changed: ReadonlyMap<string, FileModel>): boolean {
  const missingUsers = new Set(users);
  const missingGroups = new Set(groups);
  for (const uri of ws.uris()) {
    if (changed.has(uri)) continue;
    const model = ws.model(uri);
    if (!model || model.module !== undefined) continue;
    for (const doc of model.docs) {
      if (doc.kind !== 'team' || !doc.name) continue;
      const r = reachedBy(doc);
      const found = [...r.members.filter((m) => missingUsers.has(m)).map((m) => ['user', m] as const), ...r.groups.filter((g) => missingGroups.has(g)).map((g) => ['group', g] as const)];
      if (!found.length || counts(ws, uri, doc) !== true) continue;
      for (const [kind, name] of found) (kind === 'user' ? missingUsers : missingGroups).delete(name);
      if (!missingUsers.size && !missingGroups.size) return true;
    }
  }
  return false;
}

/**
 * True when a team document is the one of its name that effective access counts (`teamsOf`: the first in
 * file order); undefined when the index's table of names cannot tell (a space written with blanks around
 * it is one name to `teamsOf` and another to the table).
 */
function counts(ws: ModelIndex, uri: string, doc: TeamDoc): boolean | undefined {
  if (doc.space && doc.space.value !== doc.space.value.trim()) return undefined;
  let first: { uri: string; index: number } | undefined;
  let found = false;
  for (const d of ws.teamDefinitions(doc.name!.value, doc.space?.value)) {
    if (ws.model(d.uri)?.module !== undefined || !d.doc.name) continue;
    if (d.doc.space && d.doc.space.value !== d.doc.space.value.trim()) return undefined;
    if (d.uri === uri && d.doc.index === doc.index) found = true;
    if (!first || d.uri < first.uri || (d.uri === first.uri && d.doc.index < first.index)) first = { uri: d.uri, index: d.doc.index };
  }
  if (!found || !first) return undefined;
  return first.uri === uri && first.index === doc.index;
}

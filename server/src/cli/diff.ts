/**
 * `octopus-roles diff BASE [HEAD] [PATH...]` (SPEC section 8): what changed between two versions of the
 * model, in roles, teams and spaces, and per principal the grants gained and lost. A version is a git
 * revision of the repository the current folder is in (read with git itself: nothing is checked out) or a
 * folder; HEAD defaults to the working tree.
 */
import { kindOfPath, mergeGrants, sortGrants, accessChange, accessFrom, accessNotes, accessTeams, grantKey, principalKey, reachOf, teamsOf, type Grant, type ModelIndex, type Principal, type Settings, type TeamEntry } from '../service';
import { errorCount, modelOfFile, parseAccessArgs } from './access';
import { grantJson, noteJson, type Places } from './access-output';
import { UsageError } from './args';
import { diffText, diffMarkdown, objectChanges, type AccessDelta, type DiffResult } from './diff-output';
import { loadSides } from './diff-sides';
import { printable } from './output';

export interface DiffIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export const DIFF_USAGE = `Usage: octopus-roles diff BASE [HEAD] [PATH...] [options]

Compares two versions of the access model: what changed in roles, teams and spaces, and for every team,
user and external group the permissions gained and lost (a widened restriction is a gain).
BASE and HEAD are git revisions of the repository the current folder is in (read with git, nothing is
checked out or fetched), or folders; HEAD defaults to the working tree. After a revision BASE, a second
argument is HEAD when it is a revision, and a PATH otherwise. Each side is the whole workspace (a folder
BASE or HEAD is one); PATHs choose the models compared (the YAML model, a Terraform module), each whole,
and may exist on one side only. Both sides are read as check reads a workspace: the same configuration
files, exclude, maxFileSize, and no submodules.

Options:
  --format text|json|markdown   output format (default: text; markdown for a pull-request comment)
  --config FILE                 configuration for both sides, instead of the configuration files each has
  -h, --help                    show this help

Exit status: 0 nobody's access changed, 3 someone's did, 1 either side has errors, 2 bad usage or PATHs
with nothing to compare.`;

/** One side of the comparison, loaded. */
export interface Side {
  readonly label: string;
  readonly ws: ModelIndex;
  readonly settingsFor: (uri: string) => Settings;
  /** The path to show for a file of this side. */
  readonly display: (uri: string) => string;
  /**
   * False to compare only the YAML model (`diff --live`: a server's dump is one model of names, which a
   * module's ids cannot be matched with); every model by default.
   */
  readonly modules?: boolean;
  /**
   * The models the PATHs select (undefined: the YAML model; a module's folder URI): the side is loaded
   * whole, and only these are reported. Every model when absent.
   */
  readonly models?: ReadonlySet<string | undefined>;
}

/** Runs `diff`; returns the exit status. */
export async function runDiff(args: readonly string[], io: DiffIO): Promise<number> {
  let sides: { base: Side; head: Side } | 2;
  let format: string;
  try {
    const options = parseAccessArgs(args, ['text', 'json', 'markdown'], false);
    if (options.help) {
      io.stdout(DIFF_USAGE + '\n');
      return 0;
    }
    format = options.format;
    sides = await loadSides(options.positionals, io, options.config);
  } catch (err) {
    if (!(err instanceof UsageError)) {
      // A revision git cannot read (a missing object, a broken repository): say what git said.
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      io.stderr(`octopus-roles: ${printable(message)}\n`);
      return 2;
    }
    io.stderr(`octopus-roles: ${err.message}\n\n${DIFF_USAGE}\n`);
    return 2;
  }
  if (sides === 2) return 2;
  return printDiff(sides.base, sides.head, format, io);
}

/**
 * Prints the comparison of two sides in `format` (text, json or markdown) and returns the exit status:
 * 1 when either side has errors, 3 when someone's access changed, 0 otherwise. `diff --live` shares it.
 */
export function printDiff(base: Side, head: Side, format: string, io: DiffIO): number {
  const result = selected(compare(base, head), base, head);
  const baseAt = sidePlaces(base);
  const headAt = sidePlaces(head);
  const notesOf = (side: Side) => (side.modules === false ? [] : accessNotes(side.ws).filter((n) => side.models?.has(n.module) ?? true));
  const notes = { base: notesOf(base), head: notesOf(head) };
  if (format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          objects: result.objects,
          access: result.access.map((a) => ({
            principal: a.principal,
            gains: a.gains.map((g) => grantJson(g, headAt)),
            losses: a.losses.map((g) => grantJson(g, baseAt)),
          })),
          ...(notes.base.length || notes.head.length ? { notes: { base: notes.base.map((n) => noteJson(n, baseAt)), head: notes.head.map((n) => noteJson(n, headAt)) } } : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const sides = { base: { label: base.label, places: baseAt, notes: notes.base }, head: { label: head.label, places: headAt, notes: notes.head } };
    io.stdout(format === 'markdown' ? diffMarkdown(result, sides) : diffText(result, sides));
  }
  const errors = [base, head].map((s) => errorCount(s.ws, s.settingsFor, (uri) => s.models?.has(modelOfFile(s.ws, uri)) ?? true));
  if (errors.some((n) => n > 0)) {
    io.stderr(`octopus-roles: ${errors[0]} error${errors[0] === 1 ? '' : 's'} in ${printable(base.label)}, ${errors[1]} in ${printable(head.label)} (see octopus-roles check)\n`);
    return 1;
  }
  return result.access.length ? 3 : 0;
}

/**
 * The objects and principals of the models the PATHs select on either side (a module by its path
 * relative to its side's root, as `compare` names it); all of them when the sides say nothing.
 */
function selected(result: DiffResult, base: Side, head: Side): DiffResult {
  if (!base.models && !head.models) return result;
  const shown = new Set<string | undefined>();
  for (const side of [base, head]) for (const m of side.models ?? []) shown.add(m === undefined ? undefined : sidePlaces(side).module(m));
  return { ...result, objects: result.objects.filter((o) => shown.has(o.module)), access: result.access.filter((a) => shown.has(a.principal.module)) };
}

/** How a side shows its files and modules: paths relative to its root. */
function sidePlaces(side: Side): Places {
  return {
    where: (uri) => (uri ? { file: side.display(uri), lines: side.ws.lines(uri) } : {}),
    module: (module) => side.display(module).replace(/\/+$/, '') || '.',
  };
}

/**
 * Every principal of a side with the teams that reach it, keyed so that the two sides meet: a module's
 * principals by the module's path relative to the side's root (two folders compared hold the same
 * modules at different places).
 */
function reachBy(side: Side): Map<string, { principal: Principal; teams: TeamEntry[] }> {
  const places = sidePlaces(side);
  const out = new Map<string, { principal: Principal; teams: TeamEntry[] }>();
  for (const [key, reach] of reachOf(side.modules === false ? teamsOf(side.ws) : accessTeams(side.ws))) {
    const m = reach.principal.module;
    out.set(m === undefined ? key : principalKey({ ...reach.principal, module: places.module(m) }), reach);
  }
  return out;
}

/**
 * The objects that changed and every principal's gains and losses. Only principals reached by a team whose
 * grants changed, or whose teams changed, are merged and compared: on a large workspace most are not.
 */
export function compare(base: Side, head: Side): DiffResult {
  const before = reachBy(base);
  const after = reachBy(head);
  // A team's key is its principal's on its own side (a module's team is keyed by its module's path).
  const keyOfTeam = new Map<TeamEntry, string>();
  for (const side of [before, after]) for (const [key, r] of side) if (r.principal.kind === 'team') keyOfTeam.set(r.teams[0], key);
  const teamKey = (t: TeamEntry) => keyOfTeam.get(t) ?? '';
  // When no role or space file changed, a team whose file is the same on both sides grants the same: its
  // signature need not be computed. Otherwise signatures decide.
  // Each side's display path of each file, made once (a path per team would be made again and again).
  const shown = (side: Side) => new Map([...side.ws.uris()].map((u) => [u, side.display(u)]));
  const shownBefore = shown(base);
  const shownAfter = shown(head);
  const texts = (side: Side, paths: Map<string, string>) => new Map([...paths].map(([u, p]) => [p, side.ws.text(u)]));
  const textsBefore = texts(base, shownBefore);
  const textsAfter = texts(head, shownAfter);
  const changedFiles = new Set([...textsBefore.keys(), ...textsAfter.keys()].filter((f) => textsBefore.get(f) !== textsAfter.get(f)));
  const definitionsChanged = [...changedFiles].some((f) => kindOfPath(f) !== 'team');
  const sameFile = (b: TeamEntry, a: TeamEntry) =>
    !definitionsChanged &&
    (b.definition === undefined) === (a.definition === undefined) &&
    (!b.definition || (shownBefore.get(b.definition.uri) === shownAfter.get(a.definition!.uri) && !changedFiles.has(shownBefore.get(b.definition.uri)!)));
  const changedTeams = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (!key.startsWith('team:')) continue;
    const b = before.get(key)?.teams[0];
    const a = after.get(key)?.teams[0];
    if (!b || !a || (!sameFile(b, a) && b.signature !== a.signature)) changedTeams.add(key);
  }
  // The permissions at scopes each changed team grants on either side: for a principal whose teams are
  // the same on both sides, only those its changed teams grant can differ, so only those are merged.
  const touchedBy = new Map<string, Set<string>>();
  for (const key of changedTeams) {
    const keys = new Set<string>();
    for (const side of [before, after]) for (const g of side.get(key)?.teams[0].grants ?? []) keys.add(grantKey(g));
    touchedBy.set(key, keys);
  }
  // A team whose file is the same on both sides, at the same place (revisions of one repository), grants
  // the same, sources included: its grants are computed once, on the base side.
  const baseOf = new Map<TeamEntry, TeamEntry>();
  for (const [key, r] of after) {
    const b = r.principal.kind === 'team' ? before.get(key)?.teams[0] : undefined;
    const a = r.teams[0];
    if (b && sameFile(b, a) && b.definition?.uri === a.definition?.uri) baseOf.set(a, b);
  }
  const teamKeys = (teams: readonly TeamEntry[] | undefined) => (teams ?? []).map(teamKey).sort().join('\n');
  const grantsOf = (reach: { principal: Principal; teams: TeamEntry[] } | undefined, keys: ReadonlySet<string> | undefined): Grant[] => {
    if (!reach) return [];
    if (!keys) return accessFrom(reach.principal, reach.teams).grants as Grant[];
    const picked: Grant[] = [];
    for (const t of reach.teams) for (const g of (baseOf.get(t) ?? t).grants) if (keys.has(grantKey(g))) picked.push(g);
    return sortGrants(mergeGrants(picked, grantKey));
  };
  /** The keys that the changed teams among `teams` grant. */
  const touched = (teams: readonly TeamEntry[]): Set<string> => {
    const keys = new Set<string>();
    for (const t of teams) for (const k of touchedBy.get(teamKey(t)) ?? []) keys.add(k);
    return keys;
  };
  const access: AccessDelta[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(key);
    const a = after.get(key);
    const sameTeams = teamKeys(b?.teams) === teamKeys(a?.teams);
    if (sameTeams && !(a?.teams ?? []).some((t) => changedTeams.has(teamKey(t)))) continue;
    const p = (a ?? b)!.principal;
    const keys = sameTeams ? touched(a?.teams ?? []) : undefined;
    const { gains, losses } = accessChange(grantsOf(b, keys), grantsOf(a, keys));
    if (gains.length || losses.length) {
      const module = p.module === undefined ? {} : { module: sidePlaces(a ? head : base).module(p.module) };
      access.push({ principal: { kind: p.kind, name: p.kind === 'team' && p.space ? `${p.space}/${p.name}` : p.name, ...module }, gains, losses });
    }
  }
  // A side without modules shows none: `undefined` leaves a module's documents out.
  const modulesOf = (side: Side) => (side.modules === false ? () => undefined : sidePlaces(side).module);
  return { objects: objectChanges(base.ws, head.ws, { base: modulesOf(base), head: modulesOf(head) }), access };
}

/**
 * `octopus-roles explain PRINCIPAL` and `octopus-roles who-can PERMISSION|CAPABILITY` (SPEC section 8):
 * effective access from the command line, in text or JSON.
 */
import { uriToPath } from '../node/project';
import {
  accessNotes,
  accessOf,
  accessTeams,
  CAPABILITIES,
  DIMENSIONS,
  getCapability,
  allPermissions,
  finalDiagnostics,
  matches,
  nearest,
  notesThatMatter,
  principalsOf,
  scopeWithId,
  whoCan as whoCanIn,
  type AccessNote,
  type AccessQuery,
  type Dimension,
  type ModelIndex,
  type Principal,
  type Settings,
  type TeamEntry,
  GROUPS_NOT_INCLUDED,
} from '../service';
import { grantJson, grantText, noteJson, noteText, principalJson, principalText, type Places } from './access-output';
import { loadWorkspace } from './load';
import { display, jsonText, printable } from './output';
import { optionsOr, UsageError, walkArgs } from './args';

export interface AccessIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export const EXPLAIN_USAGE = `Usage: octopus-roles explain PRINCIPAL [PATH...] [options]

Prints what PRINCIPAL can do, where, and which team, role and file each right comes from: one
restriction record per assignment, as Octopus keeps them (a record that another admits entirely is shown
under it, after "covers"). A user's answer leaves out access through external groups: the workspace does
not say who is in a group.
PRINCIPAL is team:NAME (team:SPACE/NAME for a space team when names repeat), user:NAME or group:ID, or a
bare NAME when only one kind of principal has it. The model is the whole workspace the PATHs are in; the
PATHs choose the models answered for: the YAML files are one model and each Terraform module another, and
a principal named in several is shown in each.

Options:
  --space NAME               only grants in this space (system grants are always shown)
  --format text|json         output format (default: text)
  --config FILE              use this configuration file instead of the .octopus-roles.yaml files found
  -h, --help                 show this help

Exit status: 0 done, 2 bad usage, a PATH that does not exist or holds nothing to answer from, or a
principal or space the workspace does not have.`;

export const WHO_CAN_USAGE = `Usage: octopus-roles who-can PERMISSION|CAPABILITY [PATH...] [options]

Prints every team, user and external group that holds PERMISSION (such as DeploymentCreate) or
CAPABILITY (${CAPABILITIES.map((c) => c.id).join(', ')}), with each record's restrictions and sources.
The model is the whole workspace the PATHs are in; the PATHs choose the models answered for.

Options:
  --space NAME               where: grants in this space (and server-wide ones)
  --environment E, --project P, --project-group G, --tenant T
                             narrow to records unrestricted in that dimension or listing the value (a
                             project also matches records restricted to its group where the space maps
                             groups to projects); a dimension not given keeps restricted records, with
                             their restrictions shown
  --untenanted               untenanted work: only records unrestricted in tenants
  --format text|json         output format (default: text)
  --config FILE              use this configuration file instead of the .octopus-roles.yaml files found
  -h, --help                 show this help

Exit status: 0 done, 2 bad usage, a PATH that does not exist or holds nothing to answer from, an unknown
permission or capability, or a space or value the workspace does not have (the spaces' declared lists).`;

interface AccessOptions {
  format: 'text' | 'json';
  positionals: string[];
  space?: string;
  values: Partial<Record<Dimension, string>>;
  untenanted: boolean;
  config?: string;
  help: boolean;
}

const DIMENSION_FLAGS: Record<string, Dimension> = { '--environment': 'environments', '--project': 'projects', '--project-group': 'projectGroups', '--tenant': 'tenants' };

/** Parses the options shared by explain, who-can and diff. */
export function parseAccessArgs(args: readonly string[], formats: readonly string[], dimensions: boolean): AccessOptions {
  const options: AccessOptions = { format: 'text', positionals: [], values: {}, untenanted: false, help: false };
  walkArgs(
    args,
    (flag, value) => {
      if (flag === '-h' || flag === '--help') options.help = true;
      else if (flag === '--format' || flag === '-f') {
        const f = value();
        if (!formats.includes(f)) throw new UsageError(`unknown format \`${f}\`; use ${formats.join(', ')}`);
        options.format = f as AccessOptions['format'];
      } else if (flag === '--space') options.space = value();
      else if (flag === '--config') options.config = value();
      else if (dimensions && flag in DIMENSION_FLAGS) options.values[DIMENSION_FLAGS[flag]] = value();
      else if (dimensions && flag === '--untenanted') options.untenanted = true;
      else return false;
      return true;
    },
    (arg) => options.positionals.push(arg),
  );
  return options;
}

/**
 * Finds the principals a PRINCIPAL argument names, one per model that has it (the YAML model, then each
 * module), or says why none. A name without `team:`, `user:` or `group:` is taken when only one kind of
 * principal has it (`alice`, when alice is a user and no team or group is named so).
 */
export function resolvePrincipals(arg: string, teams: readonly TeamEntry[]): Principal[] {
  const m = /^(team|user|group):(.+)$/.exec(arg);
  if (m) return principalsNamed(m[1] as Principal['kind'], m[2], teams);
  const found = (['team', 'user', 'group'] as const).map((kind) => {
    try {
      return principalsNamed(kind, arg, teams);
    } catch (err) {
      if (err instanceof UsageError) return [];
      throw err;
    }
  });
  const kinds = found.filter((f) => f.length);
  if (kinds.length === 1) return kinds[0];
  if (kinds.length > 1) {
    const names = kinds.map((f) => `${f[0].kind}:${f[0].kind === 'team' && f[0].space ? `${f[0].space}/` : ''}${f[0].name}`);
    throw new UsageError(`\`${arg}\` names ${orList(names, 'and')}; write one of them`);
  }
  const all = principalsOf(teams);
  const near = nearest(arg, [...new Set(all.map((p) => p.name))]);
  const shown = near.flatMap((n) => [...new Set(all.filter((p) => p.name === n).map((p) => `${p.kind}:${n}`))]);
  throw new UsageError(`no team, user or group \`${arg}\` in the workspace${shown.length ? `; did you mean ${orList(shown, 'or')}?` : ''} (write team:NAME, team:SPACE/NAME, user:NAME or group:ID)`);
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: readonly string[], word: string): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}

/** The principals of one kind named `rest`, one per model; throws UsageError when there are none. */
function principalsNamed(kind: Principal['kind'], rest: string, teams: readonly TeamEntry[]): Principal[] {
  if (kind === 'user' || kind === 'group') {
    const known = principalsOf(teams);
    const found = known.filter((p) => p.kind === kind && p.name === rest);
    if (!found.length) {
      const near = nearest(rest, [...new Set(known.filter((p) => p.kind === kind).map((p) => p.name))]);
      throw new UsageError(`no ${kind} \`${rest}\` is named in the workspace${near.length ? `; did you mean ${near.map((n) => `${kind}:${n}`).join(' or ')}?` : ''}`);
    }
    return found;
  }
  const models = [...new Set(teams.map((t) => t.module))];
  const found: Principal[] = [];
  const ambiguous: string[] = [];
  for (const module of models) {
    const p = teamIn(rest, teams.filter((t) => t.module === module));
    if (typeof p === 'string') ambiguous.push(p);
    else if (p) found.push({ ...p, ...(module !== undefined ? { module } : {}) });
  }
  if (found.length) return found;
  if (ambiguous.length) throw new UsageError(ambiguous[0]);
  const near = nearest(rest, [...new Set(teams.map((t) => t.name))]);
  throw new UsageError(`no team \`${rest}\` in the workspace${near.length ? `; did you mean ${near.map((n) => `team:${n}`).join(' or ')}?` : ''}`);
}

/** The team `rest` names among the teams of one model; a message when it names several. */
function teamIn(rest: string, teams: readonly TeamEntry[]): Principal | string | undefined {
  const lower = (s: string) => s.trim().toLowerCase();
  const named = teams.filter((t) => lower(t.name) === lower(rest));
  if (named.length === 1) return { kind: 'team', name: named[0].name, ...(named[0].space ? { space: named[0].space } : {}) };
  if (named.length > 1) {
    const system = named.find((t) => t.space === undefined);
    if (system) return { kind: 'team', name: system.name };
    return `several teams are named \`${rest}\`: ${named.map((t) => `team:${t.space}/${t.name}`).join(', ')}; name one of them`;
  }
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const space = rest.slice(0, slash);
    const name = rest.slice(slash + 1);
    const t = teams.find((x) => x.space !== undefined && lower(x.space) === lower(space) && lower(x.name) === lower(name));
    if (t) return { kind: 'team', name: t.name, space: t.space };
  }
  return undefined;
}

/** How the CLI shows files and modules of a workspace: paths relative to the current folder. */
export function placesOf(ws: ModelIndex, cwd: string, show: (uri: string) => string = (uri) => display(uriToPath(uri) ?? uri, cwd)): Places {
  return {
    where: (uri) => (uri ? { file: show(uri), lines: ws.lines(uri) } : {}),
    module: (module) => show(module).replace(/\/+$/, '') || '.',
  };
}

/** The number of errors in a workspace (or in its files `within` accepts), with each file's settings. */
export function errorCount(ws: ModelIndex, settingsFor: (uri: string) => Settings, within: (uri: string) => boolean = () => true): number {
  let errors = 0;
  for (const uri of ws.uris()) if (within(uri)) errors += finalDiagnostics(ws, uri, settingsFor(uri)).filter((d) => d.severity === 'error').length;
  return errors;
}

/** Says that the workspace has errors, which make Octopus refuse some assignments. */
function warnAboutErrors(ws: ModelIndex, io: AccessIO, settingsFor: (uri: string) => Settings, within: (uri: string) => boolean): void {
  const errors = errorCount(ws, settingsFor, within);
  if (errors) io.stderr(`octopus-roles: the workspace has ${errors} error${errors === 1 ? '' : 's'} (see octopus-roles check); assignments Octopus would refuse grant nothing here\n`);
}

/** The model a file belongs to: a Terraform module's folder URI, or undefined for the YAML model. */
export function modelOfFile(ws: ModelIndex, uri: string): string | undefined {
  return ws.syntaxOf(uri)?.syntax === 'terraform' ? (ws.model(uri)?.module ?? moduleOfUri(uri)) : undefined;
}

/** A `.tf` file's module when the file was not analysed (too large, unreadable): its folder's URI. */
function moduleOfUri(uri: string): string {
  return uri.slice(0, uri.lastIndexOf('/') + 1);
}

/** The models that files belong to: PATHs select models, which are answered for whole. */
export function modelsOf(ws: ModelIndex, uris: Iterable<string>): Set<string | undefined> {
  const models = new Set<string | undefined>();
  for (const uri of uris) models.add(modelOfFile(ws, uri));
  return models;
}

/** Runs `explain` or `who-can`; returns the exit status. */
export async function runAccess(command: 'explain' | 'who-can', args: readonly string[], io: AccessIO): Promise<number> {
  const usage = command === 'explain' ? EXPLAIN_USAGE : WHO_CAN_USAGE;
  const options = optionsOr(
    () => {
      const o: AccessOptions = parseAccessArgs(args, ['text', 'json'], command === 'who-can');
      if (!o.help && o.positionals.length === 0) throw new UsageError(command === 'explain' ? 'missing PRINCIPAL' : 'missing PERMISSION or CAPABILITY');
      if (o.untenanted && o.values.tenants !== undefined) throw new UsageError('--untenanted and --tenant ask about different work; give one of them');
      return o;
    },
    usage,
    io,
  );
  if (typeof options === 'number') return options;
  const [subject, ...paths] = options.positionals;
  const loaded = await loadWorkspace(paths, io, { config: options.config });
  if (loaded === 2) return 2;
  const { project, selected } = loaded;
  const ws = project.ws;
  const models = modelsOf(ws, selected);
  if (models.size === 0) {
    const nested = loaded.nested.map((n) => printable(display(n, io.cwd)));
    io.stderr(`octopus-roles: no role, team, space or Terraform files to answer from in ${paths.length ? paths.map(printable).join(', ') : '.'}${nested.length ? `; it holds the workspaces ${nested.join(', ')}: name one of them` : ''}\n`);
    return 2;
  }
  warnAboutErrors(ws, io, (uri) => project.settingsFor(uri), (uri) => models.has(modelOfFile(ws, uri)));
  const teams = accessTeams(ws).filter((t) => models.has(t.module));
  const places = placesOf(ws, io.cwd);
  try {
    checkFilters(options, ws, teams, models.has(undefined), io);
    if (command === 'explain') explain(subject, ws, teams, options, io, places);
    else whoCan(subject, ws, models, options, io, places);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`octopus-roles: ${printable(err.message)}\n`);
    return 2;
  }
  return 0;
}

const SINGULAR: Record<Dimension, string> = { environments: 'environment', projects: 'project', projectGroups: 'project group', tenants: 'tenant' };

/** The spaces the models know: the YAML model's declared spaces, and every space a team is in or grants in. */
function knownSpaces(ws: ModelIndex, teams: readonly TeamEntry[], yaml: boolean): Set<string> {
  const spaces = new Set<string>(yaml ? ws.spaceNames() : []);
  for (const t of teams) {
    if (t.space !== undefined) spaces.add(t.space);
    for (const g of [...t.grants, ...t.holdings]) if (g.space !== undefined) spaces.add(g.space);
  }
  return spaces;
}

/**
 * Checks `--space` and the restriction values against what the workspace declares, so that a typo is
 * an error with a suggestion rather than a shorter answer: a space must be known (declared, or one a team
 * is in or grants in). A value must be declared where every space asked about declares that dimension;
 * where some does not, a value that no grant's restriction names is accepted (only unrestricted grants
 * admit it, which stderr says) unless it looks like a typo of one that is. Throws UsageError.
 */
function checkFilters(options: AccessOptions, ws: ModelIndex, teams: readonly TeamEntry[], yaml: boolean, io: AccessIO): void {
  const spaces = knownSpaces(ws, teams, yaml);
  if (options.space !== undefined && !spaces.has(options.space)) {
    const near = nearest(options.space, [...spaces]);
    const known = spaces.size ? `; did you mean ${near.length ? orList(near, 'or') : `one of ${[...spaces].sort().join(', ')}`}?` : ' (it has no spaces)';
    throw new UsageError(`no space \`${options.space}\` in the workspace${known}`);
  }
  const asked = options.space !== undefined ? [options.space] : [...spaces];
  for (const d of DIMENSIONS) {
    const value = options.values[d];
    if (value === undefined) continue;
    const lists = asked.map((space) => (yaml ? ws.resolveSpace(space)?.doc.scopes[d]?.items.map((i) => i.value) : undefined));
    const declared = new Set(lists.flatMap((l) => l ?? []));
    const named = new Set<string>();
    for (const t of teams) for (const g of [...t.grants, ...t.holdings]) if (g.space !== undefined && asked.includes(g.space)) for (const v of g.restrictions[d] ?? []) named.add(v);
    if (declared.has(value) || named.has(value)) continue;
    const near = nearest(value, [...new Set([...declared, ...named])]);
    const where = options.space !== undefined ? `space ${options.space}` : 'any space';
    const strict = asked.length > 0 && lists.every((l) => l !== undefined);
    if (strict || near.length) {
      const what = !strict
        ? `${SINGULAR[d]} \`${value}\` is neither declared nor restricted to in ${where}`
        : options.space !== undefined
          ? `space ${options.space} declares no ${SINGULAR[d]} \`${value}\``
          : `no space declares ${SINGULAR[d]} \`${value}\``;
      throw new UsageError(`${what}${near.length ? `; did you mean ${orList(near, 'or')}?` : ` (declared: ${[...declared].sort().join(', ') || 'none'})`}`);
    }
    io.stderr(`octopus-roles: ${SINGULAR[d]} ${printable(value)} is neither declared nor restricted to in ${where}: only grants unrestricted in ${d} admit it\n`);
  }
}

function explain(subject: string, ws: ModelIndex, teams: readonly TeamEntry[], options: AccessOptions, io: AccessIO, places: Places): void {
  const principals = resolvePrincipals(subject, teams);
  const query: AccessQuery = { space: options.space };
  const answers = principals.map((principal) => {
    const access = accessOf(teams, principal);
    const notes = scopeWithId(ws, principal.module).notesFor(access.teams);
    return { principal, access, grants: access.grants.filter((g) => matches(g, query)), notes };
  });
  if (options.format === 'json') {
    const json = answers.map(({ principal, access, grants, notes }) => ({
      principal: principalJson(principal, places),
      teams: access.teams.map((t) => ({ name: t.name, ...(t.space ? { space: t.space } : {}) })),
      ...(principal.kind === 'user' ? { notIncluded: GROUPS_NOT_INCLUDED } : {}),
      grants: grants.map((g) => grantJson(g, places)),
      ...(notes.length ? { notes: notes.map((n) => noteJson(n, places)) } : {}),
    }));
    // One principal is SPEC section 8's object; a name in several models is an array of them.
    io.stdout(jsonText(json.length === 1 ? json[0] : json, 2) + '\n');
    return;
  }
  const out: string[] = [];
  for (const { principal, access, grants, notes } of answers) {
    if (out.length) out.push('');
    // The question, as asked: a principal's grants, in one space (and server-wide) when --space says so.
    out.push(principalText(principal, places) + (options.space ? `: in space ${options.space} and server-wide` : ''));
    const teamNames = access.teams.map((t) => (t.space ? `${t.name} (space ${t.space})` : t.name));
    out.push(`  through ${teamNames.length ? teamNames.join(', ') : 'no team'}`);
    if (principal.kind === 'user') out.push(`  (${GROUPS_NOT_INCLUDED})`);
    if (!grants.length) out.push('  no permissions' + (options.space ? ` in space ${options.space}` : ''));
    let heading = '';
    for (const g of grants) {
      const h = g.scope === 'system' ? 'server-wide (system)' : `in space ${g.space}`;
      if (h !== heading) out.push('', `  ${h}:`), (heading = h);
      out.push(...grantText(g, places.where, '    '));
    }
    out.push(...notesText(notes, places));
  }
  io.stdout(out.map(printable).join('\n') + '\n');
}

/** What a module could not count, as text: a heading and a line each. */
function notesText(notes: readonly AccessNote[], places: Places): string[] {
  if (!notes.length) return [];
  return ['', '  not counted (computed, known only when Terraform runs):', ...notes.map((n) => noteText(n, places, '    '))];
}

/** The question who-can answers, as its first line says it: the subject, the space and each value asked. */
function question(subject: string, options: AccessOptions): string {
  const capability = getCapability(subject);
  const scope = (options.space ? ` in space ${options.space}` : '') + (options.untenanted ? ' (untenanted)' : '');
  const values = DIMENSIONS.filter((d) => options.values[d] !== undefined).map((d) => `${SINGULAR[d]} ${options.values[d]}`);
  const context = scope + (values.length ? `, for ${orList(values, 'and')}` : '');
  return capability ? `Who can ${capability.description}${context}: holders of ${capability.role}` : `Who holds ${subject}${context}`;
}

function whoCan(subject: string, ws: ModelIndex, models: ReadonlySet<string | undefined>, options: AccessOptions, io: AccessIO, places: Places): void {
  const capability = getCapability(subject);
  const results = whoCanIn(ws, subject, { space: options.space, values: options.values, untenanted: options.untenanted })?.filter((r) => models.has(r.principal.module));
  if (!results) {
    const near = nearest(subject, [...Array.from(allPermissions(), (p) => p.name), ...CAPABILITIES.map((c) => c.id)]);
    throw new UsageError(`\`${subject}\` is neither a permission of current Octopus nor a capability (${CAPABILITIES.map((c) => c.id).join(', ')})${near.length ? `; did you mean ${near.join(' or ')}?` : ''}`);
  }
  // Any computed assignment of a module might grant it: say what was not counted.
  const notes = notesThatMatter(ws, accessNotes(ws).filter((n) => models.has(n.module)), subject);
  const queryJson = {
    [capability ? 'capability' : 'permission']: subject,
    ...(options.space ? { space: options.space } : {}),
    ...(Object.keys(options.values).length ? { restrictions: options.values } : {}),
    ...(options.untenanted ? { untenanted: true } : {}),
  };
  if (options.format === 'json') {
    const principals = results.map((r) => ({ ...principalJson(r.principal, places), grants: r.grants.map((g) => grantJson(g, places)) }));
    io.stdout(jsonText({ query: queryJson, principals, notIncluded: `for users, ${GROUPS_NOT_INCLUDED}`, ...(notes.length ? { notes: notes.map((n) => noteJson(n, places)) } : {}) }, 2) + '\n');
    return;
  }
  const out: string[] = [question(subject, options)];
  if (!results.length) out.push('  nobody');
  for (const r of results) {
    out.push('', `  ${principalText(r.principal, places)}`);
    for (const g of r.grants) out.push(...grantText(g, places.where, '    ', true));
  }
  // A user listed, or not, may also hold it through an external group.
  out.push('', `For users, ${GROUPS_NOT_INCLUDED}.`);
  out.push(...notesText(notes, places));
  io.stdout(out.map(printable).join('\n') + '\n');
}

/**
 * Writes an imported model (bridge/model.ts) as the role, team and space files of SPEC section 3, plus the
 * import map and the report, as relative paths to text. Layout (stable, one object per file):
 *   roles/<slug>.role.yaml, spaces/<slug>.space.yaml, teams/_system/<slug>.team.yaml for system teams,
 *   teams/<space-slug>/<slug>.team.yaml for space teams, .octopus-roles/import-map.json and
 *   .octopus-roles/import-report.txt.
 * A slug is the name in lower case with every run of other characters than letters and digits made one `-`;
 * names with the same slug in one folder get `-2`, `-3`, ... in name order. Same model, same bytes.
 */
import { DIMENSIONS, scalarText } from '../service';
import { byName, type Imported, type ImportedAssignment, type ImportedRole, type ImportedSpace, type ImportedTeam } from './model';

export const MAP_FILE = '.octopus-roles/import-map.json';
export const REPORT_FILE = '.octopus-roles/import-report.txt';

/** The file-name part for a name: letters and digits, lower case, joined by `-`. */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s || 'unnamed';
}

/** Paths for names in one folder, unique: the second of a slug gets `-2`. */
function uniquePaths<T>(items: readonly T[], folder: (i: T) => string, name: (i: T) => string, suffix: string): Map<T, string> {
  const taken = new Set<string>();
  const out = new Map<T, string>();
  for (const item of items) {
    const base = `${folder(item)}/${slug(name(item))}`;
    let candidate = base;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${base}-${n}`;
    taken.add(candidate.toLowerCase());
    out.set(item, `${candidate}${suffix}`);
  }
  return out;
}

const scalar = (s: string, flow = false) => scalarText(s, undefined, flow);

function list(key: string, items: readonly string[], indent = ''): string[] {
  if (!items.length) return [`${indent}${key}: []`];
  return [`${indent}${key}:`, ...items.map((i) => `${indent}  - ${scalar(i)}`)];
}

const flowList = (items: readonly string[]) => `[${items.map((i) => scalar(i, true)).join(', ')}]`;

function roleText(r: ImportedRole): string {
  const lines = [`name: ${scalar(r.name)}`];
  if (r.builtIn) lines.push('builtIn: true');
  if (r.description !== undefined) lines.push(`description: ${scalar(r.description)}`);
  if (r.builtIn || r.spacePermissions.length) lines.push(...list('spacePermissions', r.spacePermissions));
  if (r.builtIn || r.systemPermissions.length) lines.push(...list('systemPermissions', r.systemPermissions));
  return lines.join('\n') + '\n';
}

function assignmentLines(a: ImportedAssignment): string[] {
  const restricted = DIMENSIONS.filter((d) => a.restrictions[d]?.length);
  if (a.space === undefined && restricted.length === 0) return [`  - ${scalar(a.role)}`];
  const lines = [`  - role: ${scalar(a.role)}`];
  if (a.space !== undefined) lines.push(`    space: ${scalar(a.space)}`);
  for (const d of restricted) lines.push(`    ${d}: ${flowList(a.restrictions[d]!)}`);
  return lines;
}

function teamText(t: ImportedTeam): string {
  const lines = [`name: ${scalar(t.name)}`];
  if (t.description !== undefined) lines.push(`description: ${scalar(t.description)}`);
  if (t.space !== undefined) lines.push(`space: ${scalar(t.space)}`);
  if (t.members.length) lines.push(...list('members', t.members));
  if (t.externalGroups.length) lines.push(...list('externalGroups', t.externalGroups));
  if (t.rolesUnknown && !t.roles.length) lines.push('# roles: unknown (the dump has no scoped user roles for this team)');
  else if (t.roles.length) lines.push('roles:', ...t.roles.flatMap(assignmentLines));
  return lines.join('\n') + '\n';
}

function spaceText(s: ImportedSpace): string {
  const lines = [`name: ${scalar(s.name)}`];
  if (s.description !== undefined) lines.push(`description: ${scalar(s.description)}`);
  for (const d of DIMENSIONS) {
    if (d === 'projectGroups' && s.groupProjects) {
      lines.push('projectGroups:', ...Object.keys(s.groupProjects).sort(byName).map((g) => `  ${scalar(g)}: ${flowList(s.groupProjects![g])}`));
    } else if (s.scopes[d]) lines.push(`${d}: ${flowList(s.scopes[d]!)}`);
  }
  if (s.managers.members.length || s.managers.teams.length) {
    lines.push('managers:');
    if (s.managers.members.length) lines.push(...list('members', s.managers.members, '  '));
    if (s.managers.teams.length) lines.push(...list('teams', s.managers.teams, '  '));
  }
  return lines.join('\n') + '\n';
}

/** The model files only (no map, no report), by relative path: what `diff --live` loads. */
export function modelFiles(model: Pick<Imported, 'roles' | 'teams' | 'spaces'>): Map<string, string> {
  const files: [string, string][] = [];
  const roles = uniquePaths(model.roles, () => 'roles', (r) => r.name, '.role.yaml');
  for (const r of model.roles) files.push([roles.get(r)!, roleText(r)]);
  const spaces = uniquePaths(model.spaces, () => 'spaces', (s) => s.name, '.space.yaml');
  for (const s of model.spaces) files.push([spaces.get(s)!, spaceText(s)]);
  const teams = uniquePaths(model.teams, (t) => (t.space === undefined ? 'teams/_system' : `teams/${slug(t.space)}`), (t) => t.name, '.team.yaml');
  for (const t of model.teams) files.push([teams.get(t)!, teamText(t)]);
  return new Map(files.sort(([a], [b]) => byName(a, b)));
}

/** Every file an import writes, by relative path. */
export function importFiles(model: Imported): Map<string, string> {
  const files = modelFiles(model);
  files.set(MAP_FILE, JSON.stringify(model.map, null, 2) + '\n');
  files.set(REPORT_FILE, model.report.length ? model.report.join('\n') + '\n' : 'Everything in the dump was carried over.\n');
  return files;
}

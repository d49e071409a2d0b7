/**
 * How effective access is printed: grants as JSON (SPEC section 8's shape) and as text, and principals as
 * people read them.
 */
import { DIMENSIONS, type AccessNote, type Grant, type LineMap, type Principal, type Restrictions, type Via } from '../service';

/** Where a source file is, as the output shows it: a path relative to the current folder, and its lines. */
export interface Located {
  readonly file?: string;
  readonly lines?: LineMap;
}

/**
 * How a command shows places: `where` a file is, and a module (a folder URI) as a path relative to the
 * current folder (`.` for the current folder itself).
 */
export interface Places {
  readonly where: (uri: string | undefined) => Located;
  readonly module: (module: string) => string;
}

/** A source of a grant in SPEC section 8's JSON. */
function viaJson(v: Via, places: Places) {
  const at = places.where(v.uri);
  return {
    team: v.team,
    ...(v.teamSpace ? { teamSpace: v.teamSpace } : {}),
    role: v.role,
    ...(v.module !== undefined ? { module: places.module(v.module) } : {}),
    ...(at.file ? { file: at.file } : {}),
    ...(at.lines && v.span ? { line: at.lines.lineAt(v.span.start) + 1 } : {}),
    implicit: v.implicit,
  };
}

/** Lists per dimension, in the order of DIMENSIONS, the dimensions without a list left out. */
function listsJson(lists: Restrictions | undefined): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const d of DIMENSIONS) if (lists?.[d]) out[d] = lists[d]!;
  return out;
}

/**
 * A grant (one restriction record) in SPEC section 8's JSON: `file` relative to the current folder, `line`
 * one-based; the records it admits entirely in `covers`; where its space maps project groups to projects,
 * the projects its groups admit in `groupProjects`; in a gain or loss, values left out of an open
 * dimension in `except`.
 */
export function grantJson(g: Grant, places: Places): GrantJson {
  const except = listsJson(g.except);
  return {
    permission: g.permission,
    scope: g.scope,
    ...(g.space !== undefined ? { space: g.space } : {}),
    restrictions: listsJson(g.restrictions),
    ...(Object.keys(except).length ? { except } : {}),
    ...(g.groupProjects && g.restrictions.projectGroups ? { groupProjects: g.groupProjects } : {}),
    via: g.via.map((v) => viaJson(v, places)),
    ...(g.covers?.length ? { covers: g.covers.map((c) => grantJson(c, places)) } : {}),
  };
}

/** The JSON of a grant (see `grantJson`). */
export interface GrantJson {
  readonly permission: string;
  readonly scope: string;
  readonly space?: string;
  readonly restrictions: Record<string, readonly string[]>;
  readonly except?: Record<string, readonly string[]>;
  readonly groupProjects?: readonly string[];
  readonly via: readonly ReturnType<typeof viaJson>[];
  readonly covers?: readonly GrantJson[];
}

const DIMENSION_WORDS: Record<string, string> = { projects: 'projects', projectGroups: 'project groups', environments: 'environments', tenants: 'tenants' };

/** A grant's restrictions in words: `only environments: Test; projects: all but Billing`, or ''. */
export function limitsText(g: Grant): string {
  const limits: string[] = [];
  for (const d of DIMENSIONS) {
    const listed = g.restrictions[d];
    if (listed) {
      const groups = d === 'projectGroups' && g.groupProjects ? ` (projects ${g.groupProjects.length ? g.groupProjects.join(', ') : 'none'})` : '';
      limits.push(`${DIMENSION_WORDS[d]}: ${listed.join(', ')}${groups}`);
    } else if (g.except?.[d]) limits.push(`${DIMENSION_WORDS[d]}: all but ${g.except[d]!.join(', ')}`);
  }
  return limits.length ? ` (only ${limits.join('; ')})` : '';
}

/**
 * A grant as lines of text: the permission with its restrictions, then one line per source, then each
 * record it covers (SPEC rule 5), indented under it with its own sources.
 */
export function grantText(g: Grant, where: (uri: string | undefined) => Located, indent: string, withScope = false): string[] {
  const scope = withScope ? (g.scope === 'system' ? ' server-wide' : ` in space ${g.space}`) : '';
  const lines = [`${indent}${g.permission}${scope}${limitsText(g)}`, ...viaText(g, where, `${indent}  `)];
  for (const c of g.covers ?? []) lines.push(`${indent}  covers${limitsText(c) || ' (unrestricted)'}`, ...viaText(c, where, `${indent}    `));
  return lines;
}

function viaText(g: Grant, where: (uri: string | undefined) => Located, indent: string): string[] {
  return g.via.map((v) => `${indent}${viaLine(v, where)}`);
}

/** A source of a grant as a line: the role, the team, whether it is server-wide from a space, and where it is written. */
export function viaLine(v: Via, where: (uri: string | undefined) => Located): string {
  const at = where(v.uri);
  const place = at.file ? ` ${at.file}${at.lines && v.span ? `:${at.lines.lineAt(v.span.start) + 1}` : ''}` : ' (built in)';
  const team = v.teamSpace ? `${v.team} (space ${v.teamSpace})` : v.team;
  return `via ${v.role} in team ${team}${v.implicit ? ', server-wide from a space assignment' : ''}:${place}`;
}

/** A principal as people read it; one of a Terraform module says which (`user alice (module infra)`). */
export function principalText(p: Principal, places: Places): string {
  const module = p.module === undefined ? [] : [`module ${places.module(p.module)}`];
  const about = p.kind === 'team' ? [p.space ? `space ${p.space}` : 'system team', ...module] : module;
  return `${p.kind} ${p.name}${about.length ? ` (${about.join(', ')})` : ''}`;
}

/** A principal in JSON: SPEC section 8's fields, and `module` (relative to the current folder) for a module's. */
export function principalJson(p: Principal, places: Places) {
  return { kind: p.kind, name: p.name, ...(p.space !== undefined ? { space: p.space } : {}), ...(p.module !== undefined ? { module: places.module(p.module) } : {}) };
}

/** A note on what a module's effective access could not count, as a line of text. */
export function noteText(n: AccessNote, places: Places, indent: string): string {
  const at = places.where(n.uri);
  const line = at.lines ? `:${at.lines.lineAt(n.span.start) + 1}` : '';
  return `${indent}${at.file ?? n.uri}${line}: ${n.reason}${n.team ? ` (team ${n.team.name})` : ''}`;
}

/** A note in JSON: `{ "module", "file", "line", "team"?, "reason" }`. */
export function noteJson(n: AccessNote, places: Places) {
  const at = places.where(n.uri);
  return {
    module: places.module(n.module),
    ...(at.file ? { file: at.file } : {}),
    ...(at.lines ? { line: at.lines.lineAt(n.span.start) + 1 } : {}),
    ...(n.team ? { team: n.team.name, ...(n.team.space !== undefined ? { teamSpace: n.team.space } : {}) } : {}),
    reason: n.reason,
  };
}

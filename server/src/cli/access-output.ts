/**
 * How effective access is printed: grants as JSON (SPEC section 8's shape) and as text, and principals as
 * people read them.
 */
import { DIMENSIONS, type AccessNote, type Grant, type LineMap, type Principal } from '../service';

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

/** A grant in SPEC section 8's JSON: `file` relative to the current folder, `line` one-based. */
export function grantJson(g: Grant, places: Places) {
  const where = places.where;
  const restrictions: Record<string, readonly string[]> = {};
  for (const d of DIMENSIONS) if (g.restrictions[d]) restrictions[d] = g.restrictions[d]!;
  return {
    permission: g.permission,
    scope: g.scope,
    ...(g.space !== undefined ? { space: g.space } : {}),
    restrictions,
    via: g.via.map((v) => {
      const at = where(v.uri);
      return {
        team: v.team,
        ...(v.teamSpace ? { teamSpace: v.teamSpace } : {}),
        role: v.role,
        ...(v.module !== undefined ? { module: places.module(v.module) } : {}),
        ...(at.file ? { file: at.file } : {}),
        ...(at.lines && v.span ? { line: at.lines.lineAt(v.span.start) + 1 } : {}),
        implicit: v.implicit,
      };
    }),
  };
}

const DIMENSION_WORDS: Record<string, string> = { projects: 'projects', projectGroups: 'project groups', environments: 'environments', tenants: 'tenants' };

/** A grant as lines of text: the permission with its restrictions, then one line per source. */
export function grantText(g: Grant, where: (uri: string | undefined) => Located, indent: string, withScope = false): string[] {
  const limits = DIMENSIONS.filter((d) => g.restrictions[d]).map((d) => `${DIMENSION_WORDS[d]}: ${g.restrictions[d]!.join(', ')}`);
  const scope = withScope ? (g.scope === 'system' ? ' server-wide' : ` in space ${g.space}`) : '';
  const lines = [`${indent}${g.permission}${scope}${limits.length ? ` (only ${limits.join('; ')})` : ''}`];
  for (const v of g.via) {
    const at = where(v.uri);
    const place = at.file ? ` ${at.file}${at.lines && v.span ? `:${at.lines.lineAt(v.span.start) + 1}` : ''}` : ' (built in)';
    const team = v.teamSpace ? `${v.team} (space ${v.teamSpace})` : v.team;
    lines.push(`${indent}  via ${v.role} in team ${team}${v.implicit ? ', server-wide from a space assignment' : ''}:${place}`);
  }
  return lines;
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

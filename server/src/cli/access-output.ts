/**
 * How effective access is printed: grants as JSON (SPEC section 8's shape) and as text, and principals as
 * people read them.
 */
import { DIMENSIONS, type Grant, type LineMap, type Principal } from '../service';

/** Where a source file is, as the output shows it: a path relative to the current folder, and its lines. */
export interface Located {
  readonly file?: string;
  readonly lines?: LineMap;
}

/** A grant in SPEC section 8's JSON: `file` relative to the current folder, `line` one-based. */
export function grantJson(g: Grant, where: (uri: string | undefined) => Located) {
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

export function principalText(p: Principal): string {
  return p.kind === 'team' ? `team ${p.name}${p.space ? ` (space ${p.space})` : ' (system team)'}` : `${p.kind} ${p.name}`;
}

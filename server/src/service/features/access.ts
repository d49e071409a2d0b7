/**
 * Effective access in the editor (SPEC section 5): code lenses on teams and roles, inlay hints saying
 * where each role reference applies, a readable document of a principal's access, and the answer to
 * "who can ...". All of it reads the access engine (model/access.ts) over the model.
 */
import { DIMENSIONS, getPermission, SYSTEM_TEAM_ONLY_PERMISSIONS } from '../catalog';
import { accessFrom, accessTeams, CAPABILITIES, getCapability, grantKey, GROUPS_NOT_INCLUDED, isEmptyBuiltinTeam, matches, principalKey, reachOf, recordsOf, sortGrants, type AccessQuery, type Grant, type Principal, type TeamEntry } from '../model/access';
import { accessScopeOf, scopeWithId } from '../model/access-scope';
import { place } from '../model/roles';
import type { Assignment, Source, Span, TeamDoc } from '../model/types';
import type { ModelIndex } from '../model/workspace';

/** A code lens: a title over a span, and the principal or role it is about. */
export interface AccessLens {
  readonly span: Span;
  readonly title: string;
  /** What clicking it shows: a principal's access (`team:...`), or the teams that use a role. */
  readonly target: { readonly kind: 'principal'; readonly principal: string } | { readonly kind: 'role'; readonly role: string; readonly users: readonly Source[] };
}

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** The team a document defines, as effective access counts it. */
export function entryOf(teams: readonly TeamEntry[], uri: string, doc: TeamDoc): TeamEntry | undefined {
  return teams.find((t) => t.definition?.uri === uri && t.definition.doc === doc);
}

/** The teams of the model a file belongs to. */
export function teamsOfFile(ws: ModelIndex, uri: string): TeamEntry[] {
  return accessScopeOf(ws, uri).teams();
}

/** Lenses for a file: on each team, its permission counts; on each role, the teams that use it. */
export function accessLenses(ws: ModelIndex, uri: string): AccessLens[] {
  const model = ws.model(uri);
  if (!model) return [];
  const out: AccessLens[] = [];
  const scope = accessScopeOf(ws, uri);
  const teams = model.docs.some((d) => d.kind === 'team') ? scope.teams() : [];
  for (const doc of model.docs) {
    if (!doc.name) continue;
    if (doc.kind === 'team') {
      const entry = entryOf(teams, uri, doc);
      if (!entry) continue;
      const principal = scope.principal('team', entry.name, entry.space);
      // A team's access is its own grants: no need to look for other teams reaching it. A permission held
      // through several records (restricted differently) counts once.
      const { grants } = accessFrom(principal, [entry]);
      const system = new Set(grants.filter((g) => g.scope === 'system').map((g) => g.permission)).size;
      const spaces = new Set(grants.filter((g) => g.scope === 'space').map((g) => g.space));
      const space = new Set(grants.filter((g) => g.scope === 'space').map((g) => `${g.space}\u0000${g.permission}`)).size;
      const title = `${plural(system, 'system permission')} · ${plural(space, 'space permission')}${spaces.size > 1 ? ` in ${plural(spaces.size, 'space')}` : ''} — effective access`;
      out.push({ span: doc.name.span, title, target: { kind: 'principal', principal: principalKey(principal) } });
    } else if (doc.kind === 'role') {
      const { users, teams: teamCount } = scope.roleUsers(uri, doc);
      out.push({ span: doc.name.span, title: teamCount ? `used by ${plural(teamCount, 'team')}` : 'used by no team', target: { kind: 'role', role: doc.name.value, users } });
    }
  }
  return out;
}

/** An inlay hint after a role reference. */
export interface AccessHint {
  readonly offset: number;
  readonly label: string;
  readonly tooltip: string;
}

/**
 * Where each role reference of a team file applies: `system`, a space's name, `Finance + server-wide
 * UserView` for a mixed role, or `not applied` when Octopus would refuse the assignment.
 */
export function accessHints(index: ModelIndex, uri: string, range?: Span): AccessHint[] {
  // A module's references resolve within it, and its files are read as rules read them (targets resolved).
  const ws = index.forFile(uri);
  const model = ws.analysed(uri);
  if (!model) return [];
  const out: AccessHint[] = [];
  for (const doc of model.docs) {
    if (doc.kind !== 'team') continue;
    for (const a of doc.assignments) {
      if (range && (a.role.span.end < range.start || a.role.span.start > range.end)) continue;
      const hint = hintOf(ws, doc, a);
      if (hint) out.push({ offset: a.role.span.end, ...hint });
    }
  }
  return out;
}

function hintOf(ws: ModelIndex, doc: TeamDoc, a: Assignment): Omit<AccessHint, 'offset'> | undefined {
  const computed = doc.space?.computed ? doc.space : a.space?.computed ? a.space : undefined;
  if (computed) return { label: 'space not known', tooltip: `Applied in the space \`${computed.value}\`, which is computed: what it grants is known only when Terraform runs, so effective access does not count it.` };
  const p = place(ws, doc, a);
  if (!p.role) return undefined;
  if (p.refusals.length || !p.level) return { label: 'not applied', tooltip: `Octopus refuses this assignment (${p.refusals.join(', ')}), so it grants nothing.` };
  if (p.level === 'system') return { label: 'system', tooltip: `Applied at the system level: ${plural(p.role.systemPermissions.length, 'system permission')}, server-wide and unrestricted.` };
  const serverWide = p.role.systemPermissions.filter((n) => getPermission(n)?.level !== 'space' && !SYSTEM_TEAM_ONLY_PERMISSIONS.has(n));
  const shown = serverWide.slice(0, 2).join(', ') + (serverWide.length > 2 ? ` +${serverWide.length - 2}` : '');
  return {
    label: serverWide.length ? `${p.space} + server-wide ${shown}` : `${p.space}`,
    tooltip: `Applied in space ${p.space}` + (a.restrictions.length ? `, restricted (${a.restrictions.map((r) => r.dimension).join(', ')})` : '') + (serverWide.length ? `; also grants server-wide: ${serverWide.join(', ')}.` : '.'),
  };
}

/** A principal's effective access as a Markdown document, for the editor to show. */
export function accessDocument(ws: ModelIndex, principal: string): string | undefined {
  // Only the principal asked about is merged, not every principal of the workspace.
  const reach = reachOf(accessTeams(ws)).get(principal);
  if (!reach) return undefined;
  const access = accessFrom(reach.principal, reach.teams);
  const p = access.principal;
  const title = p.kind === 'team' ? `Team ${p.name}${p.space ? ` (space ${p.space})` : ' (system team)'}` : `${p.kind === 'user' ? 'User' : 'External group'} ${p.name}`;
  const lines = [`# ${title}: effective access`, ''];
  const scope = scopeWithId(ws, p.module);
  if (scope.heading) lines.push(scope.heading, '');
  lines.push(`Through: ${access.teams.map((t) => (t.space ? `${t.name} (space ${t.space})` : t.name)).join(', ') || 'no team'}.`, '');
  const members = p.kind === 'team' ? access.teams[0]?.members ?? [] : [];
  if (members.length) lines.push(`Members: ${members.join(', ')}.`, '');
  if (p.kind === 'user') lines.push(`Note: ${GROUPS_NOT_INCLUDED}.`, '');
  const capabilities = CAPABILITIES.filter((c) => access.holdings.some((h) => h.role === c.role && h.scope === 'space'));
  for (const c of capabilities) {
    const spaces = access.holdings.filter((h) => h.role === c.role && h.scope === 'space').map((h) => h.space);
    lines.push(`Can ${c.description.replace(/ \(.*\)$/, '')}: ${spaces.join(', ')}.`, '');
  }
  const notes = scope.notesFor(access.teams);
  if (notes.length) {
    lines.push('Not counted (computed: known only when Terraform runs):', '');
    for (const n of notes) lines.push(`- ${n.reason}${n.team ? ` (team ${n.team.name})` : ''}`);
    lines.push('');
  }
  if (!access.grants.length) lines.push('No permissions.');
  else lines.push('One row per restriction record, as Octopus keeps them: a permission is allowed where any of its rows admits it; a row marked "covered" is admitted entirely by the row above it.', '');
  let heading = '';
  for (const g of access.grants) {
    const h = g.scope === 'system' ? '## Server-wide (system)' : `## In space ${g.space}`;
    if (h !== heading) {
      lines.push(h, '', '| permission | restricted to | via |', '| --- | --- | --- |');
      heading = h;
    }
    lines.push(recordRow(g, g.permission));
    for (const c of g.covers ?? []) lines.push(recordRow(c, '↳ covered'));
  }
  return lines.join('\n') + '\n';
}

/** A record as a row of the access document's table. */
function recordRow(g: Grant, label: string): string {
  return `| ${label} | ${restrictionText(g)} | ${[...new Set(g.via.map((v) => `${v.role} in ${v.team}${v.implicit ? ' (server-wide from a space)' : ''}`))].join('; ')} |`;
}

function restrictionText(g: Grant): string {
  const parts = DIMENSIONS.filter((d) => g.restrictions[d]).map((d) => {
    const groups = d === 'projectGroups' && g.groupProjects ? ` (projects ${g.groupProjects.join(', ') || 'none'})` : '';
    return `${d}: ${g.restrictions[d]!.join(', ')}${groups}`;
  });
  return parts.length ? parts.join('; ') : 'everything';
}

/** One principal that can do what was asked, with where each right comes from. */
export interface WhoCanEntry {
  readonly principal: Principal;
  readonly key: string;
  readonly grants: readonly Grant[];
  /** The sources of the first grant, for go-to-source. */
  readonly sources: readonly Source[];
}

/**
 * Everyone holding a permission or capability, where the query says, in principal order (teams, then
 * users, then groups), each with its restriction records that answer the query (SPEC rule 5). Each team's
 * matching grants are picked once, before records are gathered, so the cost follows the answer, not every
 * grant of every principal.
 */
export function whoCan(ws: ModelIndex, subject: string, query: AccessQuery = {}): WhoCanEntry[] | undefined {
  const capability = getCapability(subject);
  if (!capability && !getPermission(subject)) return undefined;
  const picked = new Map<TeamEntry, Grant[]>();
  const pick = (t: TeamEntry): Grant[] => {
    let found = picked.get(t);
    if (!found) {
      found = capability
        ? t.holdings.filter((h) => h.role === capability.role && h.scope === 'space' && matches(h, query)).map((h): Grant => ({ permission: capability.id, scope: h.scope, space: h.space, restrictions: h.restrictions, via: h.via }))
        : t.grants.filter((g) => g.permission === subject && matches(g, query));
      picked.set(t, found);
    }
    return found;
  };
  const out: WhoCanEntry[] = [];
  for (const [key, { principal, teams }] of reachOf(accessTeams(ws))) {
    if (isEmptyBuiltinTeam(principal, teams)) continue;
    const found = teams.flatMap(pick);
    if (!found.length) continue;
    const grants = sortGrants(recordsOf(found, grantKey));
    const sources = grants[0].via.filter((v) => v.uri && v.span).map((v) => ({ uri: v.uri!, span: v.span! }));
    out.push({ principal, key, grants, sources });
  }
  return out;
}

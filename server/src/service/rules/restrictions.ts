/**
 * Rules about an assignment's restrictions (SPEC section 1, rule 4): what each permission supports,
 * what cannot be restricted at all, values the space does not declare, and one role, space and set of
 * restrictions assigned twice.
 */
import { getPermission, SPACE_MANAGER, supportedDimensions, type Dimension } from '../catalog';
import { assignmentKey, teamName } from './assignments';
import { policyScopeValues } from './policies';
import { assignmentByRole, q as quote, replaceWithCandidates, same, teamOf, type FixContext } from './fix';
import { place, type Placement, type ResolvedRole } from '../model/roles';
import type { Assignment, Doc, Restriction, TeamDoc } from '../model/types';
import type { ModelIndex } from '../model/workspace';
import { nearest } from '../util/suggest';

import { didYouMean, q, roleRelated, rule } from './rule';



/** Each restricted assignment of a team, placed. */
function restricted(ws: ModelIndex, doc: Doc): { team: TeamDoc; a: Assignment; p: Placement; role: ResolvedRole }[] {
  if (doc.kind !== 'team') return [];
  const out: { team: TeamDoc; a: Assignment; p: Placement; role: ResolvedRole }[] = [];
  for (const a of doc.assignments) {
    if (!a.restrictions.length) continue;
    const p = place(ws, doc, a);
    if (p.role) out.push({ team: doc, a, p, role: p.role });
  }
  return out;
}

/** Restrictions of a space role are checked wherever it would apply (a space, or a space still to name). */
const spaceLevel = (role: ResolvedRole): boolean => role.shape !== 'system-only';
const isSpaceManager = (role: ResolvedRole): boolean => role.builtin && role.name === SPACE_MANAGER;

/** The restriction whose key the diagnostic marks. */
function restrictionAt(ctx: FixContext): Restriction | undefined {
  return teamOf(ctx)?.assignments.flatMap((a) => a.restrictions).find((x) => same(x.list.key.keySpan, ctx.diagnostic.span));
}

function removeRestriction(ctx: FixContext, title: (r: Restriction) => string): void {
  const r = restrictionAt(ctx);
  if (r) ctx.add(title(r), [ctx.syntax.removeField(ctx.text, r.list.key)], true);
}

export const restrictionAtSystemLevel = rule({
  code: 'restriction-at-system-level',
  severity: 'error',
  summary: 'Restrictions on a role that is applied at the system level.',
  message: (a: { role: string }) =>
    `${q(a.role)} is applied at the system level, where Octopus does not restrict permissions: they hold server-wide, so this restriction ` +
    `restricts nothing (and the web portal offers none there). Remove it.`,
  workspace(doc, ctx) {
    for (const { team, a, role } of restricted(ctx.ws, doc)) {
      if (team.space || role.shape !== 'system-only') continue;
      for (const r of a.restrictions) ctx.report(r.list.key.keySpan, { role: role.name }, undefined, roleRelated(role));
    }
  },
  fixes: (ctx) => removeRestriction(ctx, (r) => `Remove the ${r.dimension} restriction, which restricts nothing`),
  // Octopus refuses the restriction, so removing it changes nobody's access.
  safe: true,
});

export const unrestrictableRole = rule({
  code: 'unrestrictable-role',
  severity: 'error',
  summary: 'Restrictions on Space Manager.',
  message: (a: { role: string }) =>
    `${q(a.role)} is meant for a whole space: the Octopus web portal offers no restrictions for it. Remove the restriction, ` +
    `or use a narrower role that can be restricted.`,
  workspace(doc, ctx) {
    for (const { a, role } of restricted(ctx.ws, doc)) {
      if (!spaceLevel(role) || !isSpaceManager(role)) continue;
      for (const r of a.restrictions) ctx.report(r.list.key.keySpan, { role: role.name });
    }
  },
  // Removing the restriction gives the team Space Manager in the whole space: a person must decide.
  fixes: (ctx) => removeRestriction(ctx, (r) => `Remove the ${r.dimension} restriction (the team gets ${SPACE_MANAGER} in the whole space)`),
  safe: false,
});

/**
 * The dimensions that some known space permission of `role` supports; undefined when it has none. A
 * project-group restriction stands for every project of the group, so a permission that supports projects
 * supports project groups too (docs, users-and-teams; ScopedUserRoleResource.ProjectGroupIds).
 */
function supportedBy(role: ResolvedRole): Set<Dimension> | undefined {
  const supported = new Set<Dimension>();
  let known = 0;
  for (const name of role.spacePermissions) {
    const p = getPermission(name);
    if (!p || p.level === 'system') continue;
    known++;
    for (const d of supportedDimensions(p.restrictions)) supported.add(d);
  }
  return known > 0 ? supported : undefined;
}

const dimensionWords = (d: Dimension): string => (d === 'projectGroups' ? 'project groups' : d);

export const restrictionNotSupported = rule({
  code: 'restriction-not-supported',
  severity: 'warning',
  summary: "A restriction that none of the role's permissions support, so it restricts nothing.",
  message: (a: { role: string; dimension: string }) =>
    `None of the space permissions of ${q(a.role)} can be restricted by ${a.dimension}, so this restriction ` + `restricts nothing. Remove it, or restrict by a dimension the role supports.`,
  workspace(doc, ctx) {
    for (const { a, role } of restricted(ctx.ws, doc)) {
      if (!spaceLevel(role) || isSpaceManager(role)) continue;
      const supported = supportedBy(role);
      if (!supported) continue;
      for (const r of a.restrictions) {
        if (!supported.has(r.dimension)) ctx.report(r.list.key.keySpan, { role: role.name, dimension: dimensionWords(r.dimension) }, undefined, roleRelated(role));
      }
    }
  },
  fixes: (ctx) => removeRestriction(ctx, (r) => `Remove the ${r.dimension} restriction, which restricts nothing`),
  // It restricts nothing, so removing it changes nobody's access.
  safe: true,
});

const singular: Record<Dimension, string> = { projects: 'project', projectGroups: 'project group', environments: 'environment', tenants: 'tenant' };

export const unknownScopeValue = rule({
  code: 'unknown-scope-value',
  severity: 'warning',
  summary: 'A restriction value that the space does not declare.',
  message: (a: { dimension: Dimension; value: string; space: string; candidates: readonly string[] }) =>
    `Space ${q(a.space)} declares no ${singular[a.dimension]} named ${q(a.value)}.${didYouMean(a.candidates)}`,
  workspace(doc, ctx) {
    if (doc.kind === 'policy') {
      for (const f of policyScopeValues(ctx.ws, doc)) ctx.report(f.name.span, { dimension: f.dimension, value: f.name.value, space: f.space, candidates: f.candidates }, { candidates: f.candidates }, [f.related]);
      return;
    }
    for (const { a, p, role } of restricted(ctx.ws, doc)) {
      if (!spaceLevel(role) || isSpaceManager(role) || p.space === undefined) continue;
      const space = ctx.ws.resolveSpace(p.space);
      if (!space) continue;
      const supported = supportedBy(role);
      for (const r of a.restrictions) {
        const declared = space.doc.scopes[r.dimension];
        if (!declared || (supported && !supported.has(r.dimension))) continue;
        const names = new Set(declared.items.map((i) => i.value));
        for (const v of r.list.items) {
          if (names.has(v.value)) continue;
          const candidates = nearest(v.value, names);
          const spaceName = space.doc.name!.value;
          ctx.report(v.span, { dimension: r.dimension, value: v.value, space: spaceName, candidates }, { candidates }, [
            { uri: space.uri, span: declared.key.keySpan, message: `the ${r.dimension} of space ${spaceName}` },
          ]);
        }
      }
    }
  },
  fixes: replaceWithCandidates,
});

export const duplicateAssignment = rule({
  code: 'duplicate-assignment',
  severity: 'warning',
  summary: 'The same role, space and restrictions twice in one team.',
  message: (a: { role: string; team: string }) => `Team ${q(a.team)} already assigns ${q(a.role)} with the same space and restrictions; remove this duplicate.`,
  local(doc, ctx) {
    if (doc.kind !== 'team') return;
    const seen = new Map<string, number>();
    doc.assignments.forEach((a, i) => {
      const key = assignmentKey(a.role.value, a.space?.value ?? doc.space?.value, a.restrictions);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else ctx.report(a.role.span, { role: a.role.value, team: teamName(doc) }, undefined, [{ uri: doc.uri, span: doc.assignments[first].span, message: 'first assigned here' }]);
    });
  },
  fixes(ctx) {
    const a = assignmentByRole(teamOf(ctx), ctx.diagnostic.span);
    if (a) ctx.add(`Remove the duplicate assignment of ${quote(a.role.value)}`, [ctx.syntax.removeItem(ctx.text, a.span)], true);
  },
  safe: true,
});

export const RESTRICTION_RULES = [restrictionNotSupported, restrictionAtSystemLevel, unrestrictableRole, unknownScopeValue, duplicateAssignment] as const;


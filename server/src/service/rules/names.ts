/**
 * Rules about names: unique definitions, built-in names, and references to roles and spaces that exist.
 */
import { getBuiltinRoleIgnoreCase } from '../catalog';
import { assignmentByRole, createFile, q as quote, removeAssignment, replaceWithCandidates, teamOf, type FixContext } from './fix';
import type { Located } from '../model/roles';
import type { Doc, Related, Span } from '../model/types';
import { didYouMean, q, rule } from './rule';


const others = (kind: string, list: readonly Located<Doc>[]): Related[] =>
  list.slice(0, 10).map((o) => ({ uri: o.uri, span: o.doc.name!.span, message: `the other ${kind} named ${o.doc.name!.value}` }));

export const duplicateName = rule({
  code: 'duplicate-name',
  severity: 'error',
  summary: 'Two roles, two spaces, or two teams of the same space with one name.',
  message: (a: { kind: string; name: string; scope: string }) =>
    a.kind === 'team'
      ? `Another team is also named ${q(a.name)}${a.scope}; Octopus compares team names without case and after trimming spaces, so the two collide. Rename one of them.`
      : `Another ${a.kind} is also named ${q(a.name)}${a.scope}; teams refer to ${a.kind === 'role' ? 'roles' : 'spaces'} by name in these files, so the name must be unique. Rename one of them.`,
  workspace(doc, ctx) {
    if (!doc.name) return;
    if (doc.kind === 'team') {
      const same = ctx.ws.sameNamedTeams(doc);
      if (!same.length) return;
      const scope = doc.space ? ` in space ${q(doc.space.value)}` : ' among the system teams';
      ctx.report(doc.name.span, { kind: 'team', name: doc.name.value, scope }, undefined, others('team', same));
      return;
    }
    const defs: readonly Located<Doc>[] = doc.kind === 'role' ? ctx.ws.roleDefinitions(doc.name.value) : ctx.ws.spaceDefinitions(doc.name.value);
    if (defs.length < 2) return;
    ctx.report(doc.name.span, { kind: doc.kind, name: doc.name.value, scope: '' }, undefined, others(doc.kind, defs.filter((d) => d.doc !== doc)));
  },
  // Which of two things keeps the name is the user's decision; Rename Symbol does the renaming.
});

export const shadowsBuiltin = rule({
  code: 'shadows-builtin',
  severity: 'error',
  summary: 'A custom role named like a built-in role.',
  message: (a: { name: string; builtin: string }) =>
    (a.name === a.builtin ? `${q(a.name)} is the name of a built-in role` : `${q(a.name)} is the name of the built-in role ${q(a.builtin)}`) +
    '; Octopus will not create a custom role with it. ' +
    `Choose another name, or delete this role and use the built-in one.`,
  local(doc, ctx) {
    // A document with `builtIn: true` describes the server's version of the built-in role, not a custom role.
    if (doc.kind !== 'role' || !doc.name || doc.builtIn?.value === true) return;
    const builtin = getBuiltinRoleIgnoreCase(doc.name.value);
    if (builtin) ctx.report(doc.name.span, { name: doc.name.value, builtin: builtin.name });
  },
});

export const unknownRole = rule({
  code: 'unknown-role',
  severity: 'error',
  summary: 'A team assigns a role that is neither defined nor built in.',
  message: (a: { name: string; candidates: readonly string[] }) => `No role named ${q(a.name)} is defined in the workspace or built into Octopus.${didYouMean(a.candidates)}`,
  nameDependent: true,
  workspace(doc, ctx) {
    if (doc.kind !== 'team') return;
    for (const a of doc.assignments) {
      if (ctx.ws.resolveRole(a.role.value)) continue;
      const candidates = ctx.ws.suggestRoles(a.role.value);
      ctx.report(a.role.span, { name: a.role.value, candidates }, { candidates });
    }
  },
  fixes(ctx: FixContext<{ candidates?: string[] }>) {
    const team = teamOf(ctx);
    const a = assignmentByRole(team, ctx.diagnostic.span);
    if (!team || !a) return;
    replaceWithCandidates(ctx);
    // A role assigned in a space must grant something in the space; ProjectView is the least it can.
    const inSpace = Boolean(team.space || a.space);
    const fields = inSpace
      ? [
          { key: 'spacePermissions', items: ['ProjectView'], comment: 'a start: list what this role may do in a space' },
          { key: 'systemPermissions', items: [] },
        ]
      : [
          { key: 'spacePermissions', items: [] },
          { key: 'systemPermissions', items: [], comment: 'list what this role may do across the server' },
        ];
    createFile(ctx, 'role', a.role.value, fields, `Create role ${quote(a.role.value)}${inSpace ? ' (a space role with ProjectView to start)' : ''}`);
    removeAssignment(ctx, team, a);
  },
});

export const unknownSpace = rule({
  code: 'unknown-space',
  severity: 'error',
  summary: 'A space that the workspace does not declare.',
  message: (a: { name: string; candidates: readonly string[] }) => `No space named ${q(a.name)} is declared in the workspace.${didYouMean(a.candidates)}`,
  nameDependent: true,
  workspace(doc, ctx) {
    if ((doc.kind !== 'team' && doc.kind !== 'policy') || !ctx.ws.declaresSpaces) return;
    const check = (name: string, span: Span) => {
      if (ctx.ws.resolveSpace(name)) return;
      const candidates = ctx.ws.suggestSpaces(name);
      ctx.report(span, { name, candidates }, { candidates });
    };
    if (doc.kind === 'policy') {
      if (doc.context.space) check(doc.context.space.value, doc.context.space.span);
      return;
    }
    if (doc.space) check(doc.space.value, doc.space.span);
    for (const a of doc.assignments) if (a.space) check(a.space.value, a.space.span);
  },
  fixes(ctx: FixContext<{ candidates?: string[] }>) {
    replaceWithCandidates(ctx);
    const team = teamOf(ctx);
    const spans = team ? [team.space, ...team.assignments.map((a) => a.space)] : [];
    const name = spans.find((s) => s && s.span.start === ctx.diagnostic.span.start && s.span.end === ctx.diagnostic.span.end)?.value;
    if (name) createFile(ctx, 'space', name, [], `Create space ${quote(name)}`);
  },
});

export const NAME_RULES = [duplicateName, shadowsBuiltin, unknownRole, unknownSpace] as const;

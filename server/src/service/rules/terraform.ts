/**
 * Rules that only Terraform files need (SPEC section 9): how the Octopus provider writes a team's role
 * assignments, the built-in teams a module must look up rather than create, and attributes the server
 * computes. They read the model's addresses and fields, not the provider's resource types: a team
 * document with an address and no `target` is a team a module defines (a scoped user role adds
 * assignments to another), and its own assignments are the field `ctx.terms.field('roles')` names. YAML
 * documents have no address, so these rules never judge them. Their messages speak Terraform.
 */
import { BUILTIN_TEAMS, builtinTeamId, isBuiltinTeamName } from '../catalog';
import { q as quote, same, type FixContext } from './fix';
import type { KeyRef, Related } from '../model/types';
import { q, rule } from './rule';

export const tfInlineAndScopedAssignments = rule({
  code: 'tf-inline-and-scoped-assignments',
  severity: 'warning',
  summary: 'A team with inline `user_role` blocks that an `octopusdeploy_scoped_user_role` also targets.',
  message: (a: { team: string; count: number }) =>
    `Team ${q(a.team)} has inline ${q('user_role')} blocks, and ${a.count === 1 ? 'an' : a.count} ${q('octopusdeploy_scoped_user_role')} ` +
    `${a.count === 1 ? 'resource targets' : 'resources target'} it too: the provider overwrites one with the other on every apply. ` +
    `Keep one way of assigning its roles.`,
  workspace(doc, ctx) {
    if (doc.kind !== 'team' || doc.target || doc.address === undefined || !doc.name) return;
    const inline = doc.keys.get(ctx.terms.field('roles'));
    if (!inline) return;
    const related: Related[] = [];
    for (const uri of ctx.ws.addressReferrers(doc.address)) {
      for (const d of ctx.ws.model(uri)?.docs ?? []) {
        if (d.kind === 'team' && d.target?.value === doc.address) related.push({ uri, span: d.target.span, message: 'a scoped user role of this team' });
      }
    }
    if (related.length) ctx.report(inline.keySpan, { team: doc.name.value, count: related.length }, undefined, related);
  },
  // Which of the two ways to keep is the user's decision.
});

export const tfBuiltinTeamResource = rule({
  code: 'tf-builtin-team-resource',
  severity: 'error',
  summary: 'A `resource "octopusdeploy_team"` for a built-in team, which every server already has.',
  message: (a: { name: string; id: string }) =>
    `${q(a.name)} is a built-in team that Octopus already has; this resource would create a second team of that name. ` +
    `Look it up instead (${q('data "octopusdeploy_teams"')}) or refer to its id ${q(a.id)}, and give it roles with ${q('octopusdeploy_scoped_user_role')}.`,
  local(doc, ctx) {
    if (doc.kind !== 'team' || doc.target || doc.address === undefined || !doc.name || doc.name.computed) return;
    // A space team named like a built-in system team is a team of its own; a second Space Managers team
    // in a space is `builtin-team`'s finding already.
    const builtin = BUILTIN_TEAMS.find((t) => isBuiltinTeamName(doc.name!.value, t.name));
    if (!builtin || doc.space) return;
    ctx.report(doc.name.span, { name: builtin.name, id: builtinTeamId(builtin) });
  },
});

/** Attributes of the provider's schema that the server computes; a module that sets them changes nothing. */
const READ_ONLY = new Set(['can_be_deleted', 'space_permission_descriptions', 'system_permission_descriptions', 'supported_restrictions']);

export const tfReadonlyAttribute = rule({
  code: 'tf-readonly-attribute',
  severity: 'hint',
  summary: 'An attribute the Octopus server computes (`can_be_deleted`, the permission descriptions, `supported_restrictions`).',
  message: (a: { attribute: string }) => `${q(a.attribute)} is computed by the Octopus server; what the module sets here is not applied. Remove it.`,
  local(doc, ctx) {
    if (doc.address === undefined) return;
    for (const [name, key] of doc.keys) if (READ_ONLY.has(name)) ctx.report(key.keySpan, { attribute: name });
  },
  fixes(ctx: FixContext) {
    let found: KeyRef | undefined;
    for (const key of ctx.doc?.keys.values() ?? []) if (same(key.keySpan, ctx.diagnostic.span)) found = key;
    if (found) ctx.add(`Remove ${quote(found.key)}`, [ctx.syntax.removeField(ctx.text, found)], true);
  },
  // The server ignores the attribute, so removing it changes nothing on the server.
  safe: true,
});

/**
 * A `.tf` file that is not HCL (SPEC sections 4 and 9). The Terraform front-end reports it where its
 * grammar failed; the command line shows it, and the language server leaves it to HashiCorp's Terraform
 * server, which reports syntax errors in the editor already.
 */
export const tfSyntax = rule({
  code: 'tf-syntax',
  severity: 'error',
  summary: 'A `.tf` file does not parse as HCL.',
  message: (a: { detail: string }) => `This file is not valid HCL, so Terraform cannot read it: ${a.detail}.`,
  // Where the grammar failed is not always where the mistake is: the fix is the user's.
});

export const TERRAFORM_RULES = [tfSyntax, tfInlineAndScopedAssignments, tfBuiltinTeamResource, tfReadonlyAttribute] as const;

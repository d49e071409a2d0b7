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
import type { KeyRef, Related, Span } from '../model/types';
import type { TextEdit } from '../util/edit';
import { q, rule } from './rule';

/**
 * Moves a scoped user role into the team resource it targets, as a `user_role` block: its attributes
 * other than `team_id`, each line as written (comments too), one level deeper, before the team's
 * closing brace; the resource goes. Offered only where both blocks have their braces on lines of
 * their own, so nothing the user wrote is lost or rewritten.
 */
function moveInline(ctx: FixContext): void {
  const scoped = ctx.doc;
  if (scoped?.kind !== 'team' || !scoped.target?.computed) return;
  const found = ctx.ws.forFile(ctx.uri).resolveAddress(scoped.target.value);
  const teamKey = scoped.keys.get('team_id');
  if (!found || !('doc' in found) || found.doc.kind !== 'team' || !teamKey) return;
  const teamText = ctx.ws.text(found.uri);
  const body = blockLines(ctx.text, scoped.span);
  const teamBody = teamText === undefined ? undefined : blockLines(teamText, found.doc.span);
  if (!body || !teamBody || teamText === undefined) return;
  const eol = ctx.text.includes('\r\n') ? '\r\n' : '\n';
  const kept = body.lines.filter((l) => l.end <= teamKey.pairSpan.start || l.start >= teamKey.pairSpan.end);
  // The team_id attribute must stand on lines of its own to be dropped whole.
  if (kept.length + countLines(ctx.text, teamKey.pairSpan) !== body.lines.length) return;
  const indent = teamBody.indent;
  const inner = kept.map((l) => {
    const line = ctx.text.slice(l.start, l.end);
    return line.trim() === '' ? '' : line.startsWith(body.indent) ? `${indent}  ${line.slice(body.indent.length)}` : line;
  });
  const teamEol = teamText.includes('\r\n') ? '\r\n' : '\n';
  const block = `${teamEol}${indent}user_role {${teamEol}${inner.join(teamEol)}${teamEol}${indent}}${teamEol}`;
  const removal = removeBlock(ctx.text, scoped.span, eol);
  const insertion = { span: { start: teamBody.closeLine, end: teamBody.closeLine }, newText: block };
  const edits = new Map<string, TextEdit[]>();
  if (found.uri === ctx.uri) edits.set(ctx.uri, [removal, insertion]);
  else {
    edits.set(ctx.uri, [removal]);
    edits.set(found.uri, [insertion]);
  }
  ctx.add(`Move this role into ${quote(scoped.target.value)} as a 'user_role' block`, { edits, creates: new Map() }, true);
}

/** The lines between a block's `{` line and its `}` line, the indentation of its first line and where its `}` line starts. */
function blockLines(text: string, span: Span): { lines: Span[]; indent: string; closeLine: number } | undefined {
  const open = text.indexOf('{', span.start);
  const close = span.end - 1;
  if (open < 0 || open >= close || text[close] !== '}') return undefined;
  const afterOpen = text.indexOf('\n', open);
  const closeLine = text.lastIndexOf('\n', close) + 1;
  if (afterOpen < 0 || afterOpen >= closeLine || text.slice(open + 1, afterOpen).trim() !== '' || text.slice(closeLine, close).trim() !== '') return undefined;
  const lines: Span[] = [];
  for (let at = afterOpen + 1; at < closeLine; ) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 || nl >= closeLine ? closeLine : nl;
    lines.push({ start: at, end: text[end - 1] === '\r' ? end - 1 : end });
    at = end + 1;
  }
  const blockIndent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', span.start) + 1))![0];
  return { lines, indent: blockIndent + '  ', closeLine };
}

const countLines = (text: string, span: Span) => text.slice(span.start, span.end).split('\n').length;

/** Removes a top-level block with its lines, and the blank line after it (or else the one before it). */
function removeBlock(text: string, span: Span, eol: string): TextEdit {
  let start = text.lastIndexOf('\n', span.start - 1) + 1;
  let end = text.indexOf('\n', span.end);
  end = end < 0 ? text.length : end + 1;
  if (text.startsWith(eol, end)) end += eol.length;
  else if (start >= 2 * eol.length && text.slice(start - 2 * eol.length, start) === eol + eol) start -= eol.length;
  return { span: { start, end }, newText: '' };
}

export const tfInlineAndScopedAssignments = rule({
  code: 'tf-inline-and-scoped-assignments',
  severity: 'warning',
  summary: 'An `octopusdeploy_scoped_user_role` whose team an `octopusdeploy_team` resource of the module manages.',
  message: (a: { team: string; resource: string }) =>
    `Team ${q(a.team)} is managed by ${q(a.resource)}, and the provider sets a team's roles to its inline ${q('user_role')} blocks ` +
    `whenever it creates or updates the team, removing the others: this role disappears on the team's next change. ` +
    `Move it into ${q(a.resource)} as a ${q('user_role')} block.`,
  workspace(doc, ctx) {
    if (doc.kind !== 'team' || !doc.target?.computed || !doc.address) return;
    const found = ctx.ws.resolveAddress(doc.target.value);
    if (!found || !('doc' in found) || found.doc.kind !== 'team' || found.doc.target) return;
    const team = found.doc;
    const related: Related[] = team.name ? [{ uri: found.uri, span: team.name.span, message: 'the team resource' }] : [];
    ctx.report(doc.target.span, { team: team.name?.value ?? doc.target.value, resource: doc.target.value }, undefined, related);
  },
  fixes: moveInline,
  // It rewrites a second resource, perhaps in another file: offered, never applied unasked.
  safe: false,
});

export const tfBuiltinTeamResource = rule({
  code: 'tf-builtin-team-resource',
  severity: 'error',
  summary: 'A `resource "octopusdeploy_team"` for a built-in team that no `import` block adopts.',
  message: (a: { name: string; id: string }) =>
    `${q(a.name)} is a built-in team that Octopus already has; this resource would create a second team of that name. ` +
    `Look it up instead (${q('data "octopusdeploy_teams"')}) or refer to its id ${q(a.id)}, and give it roles with ${q('octopusdeploy_scoped_user_role')}; ` +
    `or adopt it with an ${q('import')} block (${q(`id = "${a.id}"`)}).`,
  // Read as the module reads it: an `import` block in any file of the module may adopt the team.
  workspace(doc, ctx) {
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

/** A team's attributes that the provider deprecates: the server decides them; setting them does nothing. */
const DEPRECATED = new Set(['can_be_renamed', 'can_change_members', 'can_change_roles']);

export const tfReadonlyAttribute = rule({
  code: 'tf-readonly-attribute',
  severity: 'hint',
  summary: 'An attribute the Octopus server computes or the provider deprecates (`can_be_deleted`, `can_be_renamed`, `can_change_members`, `can_change_roles`, the permission descriptions, `supported_restrictions`).',
  message: (a: { attribute: string; deprecated: boolean }) =>
    `${q(a.attribute)} is ${a.deprecated ? 'deprecated by the provider and decided by the Octopus server' : 'computed by the Octopus server'}; what the module sets here is not applied. Remove it.`,
  local(doc, ctx) {
    if (doc.address === undefined) return;
    for (const [name, key] of doc.keys) {
      if (READ_ONLY.has(name) || (doc.kind === 'team' && DEPRECATED.has(name))) ctx.report(key.keySpan, { attribute: name, deprecated: DEPRECATED.has(name) });
    }
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

/**
 * The editor in policy files (SPEC section 11): a code lens on each policy with its result ("holds", or
 * "2 breaches"), completion of fields, permissions, capabilities, spaces, context values and principals,
 * and hovers on a policy's name (its result) and its permission. All of it reads the proof of
 * model/policies.ts, which the index keeps until a change can alter it.
 */
import { allPermissions, type Dimension } from '../catalog';
import { DOC_KEYS, POLICY_CONTEXT_KEYS, POLICY_FILE_KEYS } from '../model/fields';
import { moduleLabel } from '../model/modules';
import { CAPABILITY_IDS, parsePrincipal } from '../model/policy-terms';
import { provePolicies, type PolicyBreach } from '../model/policies';
import type { CompletionContext } from '../model/frontend';
import type { PolicyDoc, Source, Span } from '../model/types';
import type { ModelIndex } from '../model/workspace';
import type { TextEdit } from '../util/edit';
import type { CompletionEntry } from './completion';
import { permissionHover, type HoverResult } from './hover';

/** A policy's lens: its result, and the assignments that break it (for a click to show). */
export interface PolicyLens {
  readonly span: Span;
  readonly title: string;
  readonly sources: readonly Source[];
}

const policiesOf = (ws: ModelIndex, uri: string): PolicyDoc[] => (ws.model(uri)?.docs ?? []).filter((d): d is PolicyDoc => d.kind === 'policy');

/** Each breach of a policy, over every model it applies to. */
function breachesOf(ws: ModelIndex, uri: string, policy: PolicyDoc): { breach: PolicyBreach; module?: string }[] {
  const proofs = provePolicies(ws, uri).proofs.get(policy.index) ?? [];
  return proofs.flatMap((p) => p.breaches.map((breach) => ({ breach, ...(p.module !== undefined ? { module: p.module } : {}) })));
}

/** The lenses of a policy file: one per named policy with a subject, on its name. */
export function policyLenses(ws: ModelIndex, uri: string): PolicyLens[] {
  const out: PolicyLens[] = [];
  for (const policy of policiesOf(ws, uri)) {
    if (!policy.name || (!policy.permission && !policy.capability)) continue;
    const breaches = breachesOf(ws, uri, policy);
    const sources: Source[] = [];
    for (const { breach } of breaches) for (const v of breach.via) if (v.uri && v.span && !sources.some((s) => s.uri === v.uri && s.span.start === v.span!.start)) sources.push({ uri: v.uri, span: v.span });
    const title = breaches.length === 0 ? 'holds' : `${breaches.length} breach${breaches.length === 1 ? '' : 'es'}`;
    out.push({ span: policy.name.span, title, sources });
  }
  return out;
}

/** The hover of a policy's name (its result, breach by breach) or of its permission. */
export function policyHover(ws: ModelIndex, uri: string, offset: number): HoverResult | undefined {
  const inside = (s: Span | undefined): s is Span => s !== undefined && offset >= s.start && offset <= s.end;
  for (const policy of policiesOf(ws, uri)) {
    if (inside(policy.permission?.span)) return { markdown: permissionHover(policy.permission!.value), span: policy.permission!.span };
    if (!policy.name || !inside(policy.name.span)) continue;
    const breaches = breachesOf(ws, uri, policy);
    const lines = [`**Policy ${policy.name.value}**`, ''];
    if (!breaches.length) lines.push('Holds on every model it applies to.');
    for (const { breach, module } of breaches.slice(0, 40)) {
      const p = breach.principal;
      const who = `${p.kind} \`${p.kind === 'team' && p.space ? `${p.space}/${p.name}` : p.name}\``;
      const where = module !== undefined ? ` (module \`${moduleLabel(module)}\`)` : '';
      const why = breach.kind === 'only' ? 'holds it without being listed' : breach.kind === 'includes' ? 'does not hold it everywhere the context says' : 'holds it unrestricted';
      lines.push(`- ${who}${where} ${why}${breach.via.length ? ` (through ${[...new Set(breach.via.map((v) => `${v.role} in ${v.team}`))].slice(0, 5).join('; ')})` : ''}`);
    }
    if (breaches.length > 40) lines.push(`- and ${breaches.length - 40} more`);
    return { markdown: lines.join('\n'), span: policy.name.span };
  }
  return undefined;
}

/** The policy being edited: the last one that starts before the cursor. */
function policyBefore(ws: ModelIndex, uri: string, offset: number): PolicyDoc | undefined {
  let found: PolicyDoc | undefined;
  for (const p of policiesOf(ws, uri)) if (p.span.start <= offset) found = p;
  return found;
}

const entry = (label: string, group: string, replace: Span, kind: CompletionEntry['kind'] = 'value'): CompletionEntry => ({ label, kind, group, sortText: label, replace });

/** Completion in a policy file, at a place its front-end describes. */
export function completePolicy(ws: ModelIndex, uri: string, text: string, offset: number, ctx: CompletionContext): CompletionEntry[] {
  const policy = policyBefore(ws, uri, offset);
  if (ctx.type === 'key') {
    const lineStart = text.lastIndexOf('\n', ctx.replace.start - 1) + 1;
    const keys = ctx.replace.start === lineStart ? POLICY_FILE_KEYS : DOC_KEYS.policy;
    const present = ctx.replace.start === lineStart ? new Set<string>() : new Set(policy && policy.span.end >= offset ? policy.keys.keys() : []);
    return keys.filter((k) => !present.has(k)).map((k, i) => ({ label: k, kind: 'key' as const, group: 'policy', sortText: String(i).padStart(2, '0'), insertText: `${k}: `, replace: ctx.replace }));
  }
  // Built-in ids are completed in Terraform files only.
  if (ctx.type === 'id' || ctx.type === 'user') return [];
  const key = ctx.key;
  if (key === 'permission' && ctx.type === 'value') return [...allPermissions()].map((p) => ({ ...entry(p.name, `${p.level} permission`, ctx.replace, 'permission'), documentation: permissionHover(p.name) }));
  if (key === 'capability' && ctx.type === 'value') return CAPABILITY_IDS.map((c) => entry(c, 'capability', ctx.replace));
  if (key === 'space' && ctx.type === 'value') return ws.spaceNames().map((n) => entry(n, 'space', ctx.replace, 'space'));
  if (key === 'unrestricted' && ctx.type === 'value') return [entry('none', 'no holder unrestricted', ctx.replace)];
  if (key === 'untenanted' && ctx.type === 'value') return [entry('true', 'untenanted work', ctx.replace)];
  const dimension = (POLICY_CONTEXT_KEYS as Record<string, Dimension | undefined>)[key];
  if (dimension && ctx.type === 'value') {
    const space = policy?.context.space ? ws.resolveSpace(policy.context.space.value) : undefined;
    const spaces = space ? [space] : ws.spaceNames().map((n) => ws.resolveSpace(n)).filter((s) => s !== undefined);
    const values = new Set(spaces.flatMap((s) => s.doc.scopes[dimension]?.items.map((i) => i.value) ?? []));
    return [...values].sort().map((v) => entry(v, dimension, ctx.replace));
  }
  if ((key === 'only' || key === 'includes') && ctx.type === 'item') {
    const present = new Set(policy?.[key]?.items.map((i) => i.value) ?? []);
    return provePolicies(ws, uri)
      .principals()
      .filter((p) => !present.has(p))
      .sort()
      .map((p) => entry(p, p.slice(0, Math.max(0, p.indexOf(':'))) || 'team', ctx.replace));
  }
  return [];
}

/** A place in a file (definition answers). */
type Place = { readonly uri: string; readonly span: Span };

/**
 * Go to definition in a policy file: a team principal goes to the team's name, a user or group to the
 * teams (and spaces' managers) that list it, a context `space` to the space's name. Undefined when the
 * cursor is on none of these.
 */
export function policyDefinition(ws: ModelIndex, uri: string, offset: number): Place[] | undefined {
  const inside = (s: Span | undefined): s is Span => s !== undefined && offset >= s.start && offset <= s.end;
  for (const policy of policiesOf(ws, uri)) {
    if (!inside(policy.span)) continue;
    const space = policy.context.space;
    if (inside(space?.span)) return ws.spaceDefinitions(space!.value).filter((d) => d.doc.name!.value === space!.value).map((d) => ({ uri: d.uri, span: d.doc.name!.span }));
    const item = [...(policy.only?.items ?? []), ...(policy.includes?.items ?? [])].find((i) => inside(i.span));
    const p = item && parsePrincipal(item.value);
    if (!p) return undefined;
    if (p.kind === 'team') {
      const slash = p.rest.indexOf('/');
      const direct = [...ws.teamDefinitions(p.rest, undefined), ...ws.spaceNames().flatMap((s) => ws.teamDefinitions(p.rest, s))];
      const spaced = direct.length || slash <= 0 ? [] : ws.teamDefinitions(p.rest.slice(slash + 1), p.rest.slice(0, slash));
      return [...direct, ...spaced].map((d) => ({ uri: d.uri, span: d.doc.name!.span }));
    }
    return listings(ws, p.kind, p.rest);
  }
  return undefined;
}

/** Where a user or group is listed: teams' `members` or `externalGroups`, spaces' `managers.members`. */
function listings(ws: ModelIndex, kind: 'user' | 'group', name: string): Place[] {
  const out: Place[] = [];
  for (const uri of [...ws.uris()].sort()) {
    for (const d of ws.model(uri)?.docs ?? []) {
      const list = d.kind === 'team' ? (kind === 'user' ? d.members : d.externalGroups) : d.kind === 'space' && kind === 'user' ? d.managers?.members : undefined;
      for (const i of list?.items ?? []) if (i.value === name) out.push({ uri, span: i.span });
    }
  }
  return out;
}

/**
 * The edits that keep policy files true to a renamed team or space: `team:NAME` and `team:SPACE/NAME`
 * principals of the team, and a space's name in principals and in a policy's `space`. Undefined when a
 * policy file to edit cannot be read back as it was indexed (`ModelIndex.text`): no edit may be worked out
 * from its offsets then.
 */
export function policyRenames(ws: ModelIndex, subject: { kind: 'team'; name: string; space?: string } | { kind: 'space'; name: string }, newName: string): Map<string, TextEdit[]> | undefined {
  const lower = (s: string) => s.trim().toLowerCase();
  const out = new Map<string, TextEdit[]>();
  for (const uri of [...ws.uris()].sort()) {
    const policies = policiesOf(ws, uri);
    const syntax = ws.syntaxOf(uri)?.edits;
    if (!policies.length || !syntax) continue;
    // What to replace first, from the model; the text is read (back from disk, for a file not open) only for a file to edit.
    const replacements: [Span, string][] = [];
    for (const policy of policies) {
      if (subject.kind === 'space' && policy.context.space?.value === subject.name) replacements.push([policy.context.space.span, newName]);
      for (const item of [...(policy.only?.items ?? []), ...(policy.includes?.items ?? [])]) {
        const p = parsePrincipal(item.value);
        if (p?.kind !== 'team') continue;
        const slash = p.rest.indexOf('/');
        const [space, name] = slash > 0 ? [p.rest.slice(0, slash), p.rest.slice(slash + 1)] : [undefined, p.rest];
        let renamed: string | undefined;
        if (subject.kind === 'team' && lower(name) === lower(subject.name) && (space === undefined || lower(space) === lower(subject.space ?? ''))) renamed = `team:${space !== undefined ? `${space}/` : ''}${newName}`;
        if (subject.kind === 'space' && space !== undefined && space === subject.name) renamed = `team:${newName}/${name}`;
        // A whole-name team whose name has a slash is the team itself, not SPACE/NAME.
        if (subject.kind === 'team' && lower(p.rest) === lower(subject.name)) renamed = `team:${newName}`;
        if (renamed) replacements.push([item.span, renamed]);
      }
    }
    if (!replacements.length) continue;
    const text = ws.text(uri);
    if (text === undefined) return undefined;
    out.set(uri, replacements.flatMap(([span, name]) => syntax.replaceNames(text, [span], name)));
  }
  return out;
}

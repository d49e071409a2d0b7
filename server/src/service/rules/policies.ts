/**
 * Rules about access policies (SPEC section 11): a policy of a `*.policy.yaml` file that does not hold on
 * some model it applies to, and a principal that no such model has. The proof itself is the model's
 * (model/policies.ts, on the records model); here it becomes diagnostics at the policy, with the
 * assignments that give each breaching principal its access as related information.
 */
import { EVERYONE } from '../catalog';
import { moduleLabel } from '../model/modules';
import { POLICY_CONTEXT_KEYS } from '../model/fields';
import { parsePrincipal } from '../model/policy-terms';
import { provePolicies, unknownKey, type BreachList, type PolicyProof, type PolicyResults } from '../model/policies';
import type { Dimension } from '../catalog';
import type { Principal, Via } from '../model/grants';
import type { Name, PolicyDoc, Related, Span } from '../model/types';
import type { ModelIndex } from '../model/workspace';
import { nearest, Suggester } from '../util/suggest';
import { q as quote, type FixContext } from './fix';
import { didYouMean, q, rule } from './rule';

/** Breaching principals a message names; the rest are counted. */
const NAMED = 10;
/** Assignments a diagnostic points at. */
const RELATED = 50;

/** The results of the file's policies, proved once per version of the workspace that can change them. */
const resultsOf = (ws: ModelIndex, uri: string): PolicyResults => provePolicies(ws.forFile(uri), uri);

/** A principal as a policy writes it. */
export function writtenPrincipal(p: Principal): string {
  if (p.kind !== 'team') return `${p.kind}:${p.name}`;
  if (p.name === EVERYONE && !p.space) return EVERYONE;
  return `team:${p.space ? `${p.space}/` : ''}${p.name}`;
}

/** A principal as a message names it: `team Finance/Deployers`, `user alice`, `group CN=...`. */
const shown = (p: Principal) => `${p.kind} ${q(p.kind === 'team' && p.space ? `${p.space}/${p.name}` : p.name)}`;

/** The context of a policy in words: ` in space Finance (environment Production, untenanted)`. */
function contextText(policy: PolicyDoc): string {
  const c = policy.context;
  const values = [
    c.environment && `environment ${q(c.environment.value)}`,
    c.project && `project ${q(c.project.value)}`,
    c.projectGroup && `project group ${q(c.projectGroup.value)}`,
    c.tenant && `tenant ${q(c.tenant.value)}`,
    c.untenanted?.value && 'untenanted',
  ].filter(Boolean);
  return (c.space ? ` in space ${q(c.space.value)}` : '') + (values.length ? ` (${values.join(', ')})` : '');
}

type BreachKind = 'only' | 'includes' | 'unrestricted';

interface BreachArgs {
  readonly policy: string;
  readonly kind: BreachKind;
  readonly subject: string;
  readonly context: string;
  readonly principals: readonly string[];
  readonly more: number;
  readonly module?: string;
}

function breachMessage(a: BreachArgs): string {
  const names = a.principals.join(', ') + (a.more ? ` and ${a.more} more` : '');
  const where = a.module !== undefined ? ` in the Terraform module ${q(a.module)}` : '';
  const what =
    a.kind === 'only'
      ? `${names} ${a.principals.length + a.more === 1 ? 'holds' : 'hold'} ${q(a.subject)}${a.context} without being listed in ${q('only')}`
      : a.kind === 'includes'
        ? `${names} ${a.principals.length + a.more === 1 ? 'does' : 'do'} not hold ${q(a.subject)} everywhere${a.context || ' it applies'}`
        : `${names} ${a.principals.length + a.more === 1 ? 'holds' : 'hold'} ${q(a.subject)}${a.context} unrestricted in every dimension it supports`;
  return `Policy ${q(a.policy)} does not hold${where}: ${what}. Change the access, or the policy if the access is intended.`;
}

/** A place related information points at, with the first principals it gives access to. */
interface Place {
  readonly via: Via;
  /** The first principal it reaches, as a message names it; the next ones (up to `NAMED`) in `more`. */
  readonly first: string;
  more?: string[];
}

/** Principals as messages name them, made once each: policies over one permission name the same ones. */
const shownPrincipals = new WeakMap<Principal, string>();

function shownOnce(p: Principal): string {
  let text = shownPrincipals.get(p);
  if (text === undefined) shownPrincipals.set(p, (text = shown(p)));
  return text;
}

/**
 * Related information of breach lists that no policy's own items decide (all but `includes`): policies of
 * one permission and space share the list of `unrestricted: none`, and so its places.
 */
const relatedOfList = new WeakMap<BreachList, readonly Related[]>();

/**
 * Where a breach comes from, for related information: each assignment that gives access, once, with the
 * breaching principals it reaches; for `includes`, the principal's item in the policy.
 */
function relatedOf(breaches: BreachList, policy: PolicyDoc): readonly Related[] {
  const shared = breaches.length > 0 && breaches.at(0).kind !== 'includes';
  const known = shared ? relatedOfList.get(breaches) : undefined;
  if (known) return known;
  const out: Related[] = [];
  // Places in order, found by their span's start (a number: no key string per place), then by file and end.
  const places: Place[] = [];
  const byStart = new Map<number, Place[]>();
  readBreaches(breaches, (i) => {
    const via = breaches.sourcesAt(i);
    if (places.length >= RELATED && via.length > 0) return false;
    const principal = breaches.principalAt(i);
    if (via.length === 0) {
      const item = policy.includes?.items.find((x) => sameWritten(x.value, principal));
      if (item) out.push({ uri: policy.uri, span: item.span, message: `${shown(principal)} is listed here` });
    }
    let who: string | undefined;
    for (const v of via) {
      if (!v.uri || !v.span) continue;
      who ??= shownOnce(principal);
      const { start, end } = v.span;
      let here = byStart.get(start);
      if (!here) byStart.set(start, (here = []));
      let place: Place | undefined;
      for (let k = 0; k < here.length && !place; k++) if (here[k].via.uri === v.uri && here[k].via.span!.end === end) place = here[k];
      if (!place) {
        const made = { via: v, first: who };
        here.push(made);
        places.push(made);
      } else if ((place.more ??= []).length < NAMED - 1) place.more.push(who);
    }
    return true;
  });
  // Joined, not a template: a joined string is one flat string, where a template's parts stay a tree of
  // pieces as long as the finding is kept (thousands of places over a large workspace).
  for (const { via: v, first, more } of places) out.push({ uri: v.uri!, span: v.span!, message: more ? placeMessage(v, [first, ...more].join(', ')) : onePlaceMessage(v, first) });
  const related = out.length > RELATED ? out.slice(0, RELATED) : out;
  if (shared) relatedOfList.set(breaches, related);
  return related;
}

/** The message of related information at the source `v` of a breach by `names`. */
function placeMessage(v: Via, names: string): string {
  const team = v.teamSpace ? `${v.teamSpace}/${v.team}` : v.team;
  return ['role ', q(v.role), ' of team ', q(team), v.implicit ? ' (server-wide from a space)' : '', ' gives it to ', names].join('');
}

/**
 * The message at a source that gives access to one breaching principal, the usual one (a team breaching
 * through its own assignment), kept with the source: policies over one permission share their holders'.
 */
const onePlaceMessages = new WeakMap<Via, { readonly who: string; readonly message: string }>();

function onePlaceMessage(v: Via, who: string): string {
  const known = onePlaceMessages.get(v);
  if (known?.who === who) return known.message;
  const message = placeMessage(v, who);
  onePlaceMessages.set(v, { who, message });
  return message;
}

/**
 * Reads the breaches whose sources related information reads, in order, by their places in `breaches`
 * (the list tells a breach's principal and sources without making it), until `take` returns false: a user
 * or group breaches only through a team that breaches too (an unlisted holder), so the teams' breaches name
 * every place; the first others say whom each reaches (thousands of users breaching through Everyone share
 * its few places). Only an `includes` breach has no sources (its principal is listed in the policy), and
 * each is read.
 */
function readBreaches(breaches: BreachList, take: (i: number) => boolean): void {
  // A list holds breaches of one kind. Those of `includes` are few and each is read, teams first.
  if (breaches.length > 0 && breaches.at(0).kind === 'includes') {
    for (let i = 0; i < breaches.length; i++) if (breaches.principalAt(i).kind === 'team' && !take(i)) return;
    for (let i = 0; i < breaches.length; i++) if (breaches.principalAt(i).kind !== 'team' && !take(i)) return;
    return;
  }
  // The others are in the model's order of principals, teams first: past the teams, only the first few
  // others are read (an `only` policy over a widely held permission has thousands, each made with its
  // teams when read), and no scan passes over the rest.
  let i = 0;
  for (; i < breaches.length && breaches.principalAt(i).kind === 'team'; i++) if (!take(i)) return;
  for (const end = Math.min(breaches.length, i + NAMED); i < end; i++) if (!take(i)) return;
}

function sameWritten(written: string, p: Principal): boolean {
  const w = parsePrincipal(written);
  if (!w || w.kind !== p.kind) return false;
  const lower = (s: string) => s.trim().toLowerCase();
  return lower(w.rest) === lower(p.name) || (p.space !== undefined && lower(w.rest) === lower(`${p.space}/${p.name}`));
}

/** The span a policy's findings stand at: its name, else its first field. */
function policySpan(policy: PolicyDoc): Span {
  return policy.name?.span ?? policy.keys.values().next().value?.keySpan ?? policy.span;
}

/** One `policy-breach` finding, before it is reported. */
interface BreachFinding {
  readonly span: Span;
  readonly args: BreachArgs;
  readonly data: { candidates: string[] } | undefined;
  readonly related: readonly Related[];
}

/**
 * The findings of a policy's proofs, kept with them: a policy file is checked again after every change to
 * another file, and a policy that the change cannot alter keeps its proofs (model/policies.ts).
 */
const findingsOf = new WeakMap<readonly PolicyProof[], readonly BreachFinding[]>();

function breachFindings(doc: PolicyDoc, proofs: readonly PolicyProof[]): BreachFinding[] {
  const out: BreachFinding[] = [];
  const subject = doc.permission?.value ?? doc.capability?.value ?? '';
  for (const proof of proofs) {
    const module = proof.module !== undefined ? moduleLabel(proof.module) : undefined;
    for (const kind of ['only', 'includes', 'unrestricted'] as const) {
      const breaches = proof.byKind[kind];
      if (!breaches.length) continue;
      const first = (n: number) => Array.from({ length: Math.min(n, breaches.length) }, (_, i) => breaches.principalAt(i));
      const principals = first(NAMED).map(shown);
      const args: BreachArgs = { policy: doc.name?.value ?? '(unnamed)', kind, subject, context: contextText(doc), principals, more: breaches.length - principals.length, ...(module !== undefined ? { module } : {}) };
      const candidates = kind === 'only' ? [...new Set(first(NAMED + 1).map(writtenPrincipal))] : undefined;
      out.push({ span: policySpan(doc), args, data: candidates ? { candidates } : undefined, related: relatedOf(breaches, doc) });
    }
  }
  return out;
}

export const policyBreach = rule({
  code: 'policy-breach',
  severity: 'error',
  summary: 'A policy of a `*.policy.yaml` file does not hold (SPEC section 11).',
  message: breachMessage,
  workspace(doc, ctx) {
    if (doc.kind !== 'policy') return;
    const proofs = resultsOf(ctx.ws, ctx.file.uri).proofs.get(doc.index) ?? [];
    let found = findingsOf.get(proofs);
    if (!found) findingsOf.set(proofs, (found = breachFindings(doc, proofs)));
    for (const f of found) ctx.report(f.span, f.args, f.data, f.related);
  },
  fixes: addToOnly,
  // Listing a principal changes what the policy allows, never anybody's access: fix-all leaves it to the user.
  safe: false,
});

/** Offers to list the breaching principals in the policy's `only` (all of them, then each one). */
function addToOnly(ctx: FixContext<{ candidates?: string[] }>): void {
  const doc = ctx.doc;
  const candidates = ctx.data.candidates ?? [];
  if (doc?.kind !== 'policy' || !doc.only || !candidates.length || candidates.length > NAMED) return;
  const only = doc.only;
  const append = (names: readonly string[]) => {
    let list = only;
    const edits = [];
    for (const name of names) {
      const edit = ctx.syntax.appendToList(ctx.text, list, 'only', name, only.key, only);
      edits.push(edit);
      // Later names go after the first one's insertion, at the same offset, in order.
      list = { key: list.key, items: [...list.items], valueSpan: list.valueSpan };
    }
    return edits;
  };
  if (candidates.length > 1) ctx.add(`List ${candidates.map(quote).join(', ')} in 'only' (the policy then allows them)`, append(candidates));
  for (const c of candidates) ctx.add(`List ${quote(c)} in 'only' (the policy then allows it)`, append([c]));
}

/** Suggestions over the principals of one kind, built once per proof: a policy may name several unknowns. */
const suggesters = new WeakMap<PolicyResults, Map<string | undefined, Suggester>>();

function suggesterOf(results: PolicyResults, kind: string | undefined): Suggester {
  let byKind = suggesters.get(results);
  if (!byKind) suggesters.set(results, (byKind = new Map()));
  let found = byKind.get(kind);
  if (!found) byKind.set(kind, (found = new Suggester(results.principals().filter((p) => parsePrincipal(p)?.kind === kind))));
  return found;
}

export const unknownPrincipal = rule({
  code: 'unknown-principal',
  severity: 'error',
  summary: 'A policy names a team, user or group the workspace does not have.',
  message: (a: { name: string; candidates: readonly string[] }) =>
    `No model this policy applies to has ${q(a.name)}: no team of that name, no user in a team's members or a space's managers, no external group a team lists.${didYouMean(a.candidates)}`,
  nameDependent: true,
  workspace(doc, ctx) {
    if (doc.kind !== 'policy') return;
    const results = resultsOf(ctx.ws, ctx.file.uri);
    for (const item of [...(doc.only?.items ?? []), ...(doc.includes?.items ?? [])]) {
      if (!results.unknown.has(unknownKey(doc, item))) continue;
      const candidates = suggesterOf(results, parsePrincipal(item.value)?.kind).nearest(item.value);
      ctx.report(item.span, { name: item.value, candidates }, { candidates });
    }
  },
  fixes(ctx: FixContext<{ candidates?: string[] }>) {
    (ctx.data.candidates ?? []).forEach((c, i) => ctx.add(`Change to ${quote(c)}`, ctx.syntax.replaceNames(ctx.text, [ctx.diagnostic.span], c), i === 0));
  },
  // Naming another principal changes what the policy says, not access: left to the user.
  safe: false,
});

export const POLICY_RULES = [policyBreach, unknownPrincipal] as const;


/**
 * The context values of a policy that its space declares a list for and does not hold (the rule
 * `unknown-scope-value` reports them as it does an assignment's restrictions).
 */
export function policyScopeValues(ws: ModelIndex, policy: PolicyDoc): { name: Name; dimension: Dimension; space: string; candidates: string[]; related: Related }[] {
  const space = policy.context.space && ws.resolveSpace(policy.context.space.value);
  if (!space) return [];
  const out: { name: Name; dimension: Dimension; space: string; candidates: string[]; related: Related }[] = [];
  for (const [key, dimension] of Object.entries(POLICY_CONTEXT_KEYS) as [keyof typeof POLICY_CONTEXT_KEYS, Dimension][]) {
    const name = policy.context[key];
    const declared = space.doc.scopes[dimension];
    if (!name || !declared) continue;
    const names = declared.items.map((i) => i.value);
    if (names.includes(name.value)) continue;
    const spaceName = space.doc.name!.value;
    out.push({ name, dimension, space: spaceName, candidates: nearest(name.value, names), related: { uri: space.uri, span: declared.key.keySpan, message: `the ${dimension} of space ${spaceName}` } });
  }
  return out;
}

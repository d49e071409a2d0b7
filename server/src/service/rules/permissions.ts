/**
 * Rules about the permissions a role lists: names Octopus knows, retired names, the level of each list,
 * duplicates and empty roles.
 */
import { allPermissions, getPermission, getRetiredPermission } from '../catalog';
import { permissionAt, q as quote, replaceWithCandidates, type FixContext } from './fix';
import type { Name, NameList, PermissionListKey, RoleDoc } from '../model/types';
import { Suggester } from '../util/suggest';
import { didYouMean, q, rule } from './rule';

let permissionSuggester: Suggester | undefined;
function suggestPermissions(name: string): string[] {
  permissionSuggester ??= new Suggester(Array.from(allPermissions(), (p) => p.name));
  return permissionSuggester.nearest(name);
}

const EXPORT_IMPORT = /export|import/i;

/**
 * Did-you-mean candidates are worked out for this many unknown names per list; past that (a generated
 * or corrupted file) the names are still reported, without suggestions, so the cost stays linear.
 */
const MAX_SUGGESTED = 200;

const LISTS: readonly PermissionListKey[] = ['spacePermissions', 'systemPermissions'];

interface Listed {
  readonly list: NameList;
  readonly key: PermissionListKey;
  readonly item: Name;
  readonly index: number;
  /** The index of the first item of the same name in the list: `index` itself unless it is a duplicate. */
  readonly first: number;
}

/**
 * Each item of a role's lists. Worked out again by each rule that reads them: kept for the life of the
 * document, these objects cost tens of megabytes on a large workspace for little time saved.
 */
function itemsOf(role: RoleDoc): readonly Listed[] {
  const found: Listed[] = [];
  for (const key of LISTS) {
    const list = role[key];
    if (!list) continue;
    const seen = new Map<string, number>();
    for (let index = 0; index < list.items.length; index++) {
      const item = list.items[index];
      const first = seen.get(item.value) ?? index;
      if (first === index) seen.set(item.value, index);
      found.push({ list, key, item, index, first });
    }
  }
  return found;
}


export const unknownPermission = rule({
  code: 'unknown-permission',
  severity: 'error',
  summary: 'Not a permission of current Octopus.',
  message: (a: { name: string; candidates: readonly string[]; exportImport: boolean }) =>
    a.exportImport
      ? `${q(a.name)} is not an Octopus permission: no permission grants project export or import. ` +
        `Only the built-in ${q('Space Manager')} role can export and import projects; assign that role instead.`
      : `${q(a.name)} is not a permission of current Octopus.${didYouMean(a.candidates)}`,
  local(doc, ctx) {
    if (doc.kind === 'policy') {
      const p = doc.permission;
      if (!p || getPermission(p.value)) return;
      const exportImport = EXPORT_IMPORT.test(p.value);
      const candidates = exportImport ? [] : suggestPermissions(p.value);
      ctx.report(p.span, { name: p.value, candidates, exportImport }, { candidates });
      return;
    }
    if (doc.kind !== 'role') return;
    let suggested = 0;
    for (const { item, index, first } of itemsOf(doc)) {
      if (first !== index || getPermission(item.value) || getRetiredPermission(item.value)) continue;
      const exportImport = EXPORT_IMPORT.test(item.value);
      const candidates = exportImport || suggested++ >= MAX_SUGGESTED ? [] : suggestPermissions(item.value);
      ctx.report(item.span, { name: item.value, candidates, exportImport }, { candidates });
    }
  },
  fixes: replaceWithCandidates,
});

export const retiredPermission = rule({
  code: 'retired-permission',
  severity: 'error',
  summary: 'A permission name that current Octopus servers reject.',
  message: (a: { name: string; replacement: string | null; why: string }) =>
    `${q(a.name)} is a retired permission (${a.why}), and current Octopus servers reject a role that lists it ` +
    `("Requested value '${a.name}' was not found"). ` +
    (a.replacement ? `Use ${q(a.replacement)} instead.` : 'Current Octopus has no replacement; remove it.'),
  local(doc, ctx) {
    if (doc.kind !== 'role') return;
    for (const { item, index, first } of itemsOf(doc)) {
      const retired = first === index && !getPermission(item.value) ? getRetiredPermission(item.value) : undefined;
      if (!retired) continue;
      ctx.report(item.span, { name: item.value, replacement: retired.replacement, why: retired.why }, { candidates: retired.replacement ? [retired.replacement] : [] });
    }
  },
  fixes(ctx: FixContext<{ candidates?: string[] }>) {
    const candidates = ctx.data.candidates ?? [];
    const found = permissionAt(ctx.doc, ctx.diagnostic.span);
    if (found && candidates.length === 1 && found.list.items.some((i) => i.value === candidates[0])) {
      // Its replacement is already listed: replacing would only make a duplicate.
      ctx.add(`Remove ${quote(found.item.value)} (${quote(candidates[0])} is already listed)`, [ctx.syntax.removeItem(ctx.text, found.item.span)], true);
      return;
    }
    replaceWithCandidates(ctx);
  },
  // With one replacement there is nothing to choose, and the replacement grants what the old name did.
  safe: (ctx) => (ctx.data.candidates ?? []).length === 1,
});

export const wrongLevel = rule({
  code: 'wrong-level',
  severity: 'error',
  summary: 'A permission in the list of the other level.',
  message: (a: { name: string; level: 'system' | 'space'; list: string; target: string }) =>
    `${q(a.name)} is a ${a.level}-level permission and cannot be granted in ${q(a.list)}; move it to ${q(a.target)}.`,
  local(doc, ctx) {
    if (doc.kind !== 'role') return;
    for (const { item, key, index, first } of itemsOf(doc)) {
      const level = first === index ? getPermission(item.value)?.level : undefined;
      if (key === 'spacePermissions' && level === 'system') {
        ctx.report(item.span, { name: item.value, level, list: ctx.terms.field(key), target: ctx.terms.field('systemPermissions') }, { targetList: 'systemPermissions' });
      } else if (key === 'systemPermissions' && level === 'space') {
        ctx.report(item.span, { name: item.value, level, list: ctx.terms.field(key), target: ctx.terms.field('spacePermissions') }, { targetList: 'spacePermissions' });
      }
    }
  },
  fixes(ctx: FixContext<{ targetList?: PermissionListKey }>) {
    const target = ctx.data.targetList;
    const found = permissionAt(ctx.doc, ctx.diagnostic.span);
    if (!target || !found) return;
    const removal = ctx.syntax.removeItem(ctx.text, found.item.span);
    const there = found.doc[target];
    if (there?.items.some((i) => i.value === found.item.value)) {
      ctx.add(`Remove ${quote(found.item.value)} (it is already in ${quote(ctx.terms.field(target))})`, [removal], true);
      return;
    }
    const insert = ctx.syntax.appendToList(ctx.text, there, target, found.item.value, found.list.key, found.list);
    ctx.add(`Move ${quote(found.item.value)} to ${quote(ctx.terms.field(target))}`, [removal, insert], true);
  },
  safe: true,
});

export const duplicatePermission = rule({
  code: 'duplicate-permission',
  severity: 'warning',
  summary: 'The same permission twice in one list.',
  message: (a: { name: string; list: string }) => `${q(a.name)} is already listed in ${q(a.list)}; remove this duplicate.`,
  local(doc, ctx) {
    if (doc.kind !== 'role') return;
    for (const { list, key, item, index, first } of itemsOf(doc)) {
      if (first === index) continue;
      ctx.report(item.span, { name: item.value, list: ctx.terms.field(key) }, undefined, [{ uri: doc.uri, span: list.items[first].span, message: 'first listed here' }]);
    }
  },
  fixes(ctx) {
    const found = permissionAt(ctx.doc, ctx.diagnostic.span);
    if (found) ctx.add(`Remove the duplicate ${quote(found.item.value)}`, [ctx.syntax.removeItem(ctx.text, found.item.span)], true);
  },
  safe: true,
});

export const emptyRole = rule({
  code: 'empty-role',
  severity: 'warning',
  summary: 'A role that grants no permissions.',
  message: (a: { name: string; lists: readonly [string, string] }) => `Role ${q(a.name)} grants no permissions; add ${q(a.lists[0])} or ${q(a.lists[1])}, or delete the role.`,
  local(doc, ctx) {
    if (doc.kind !== 'role' || !doc.name) return;
    const count = (doc.spacePermissions?.items.length ?? 0) + (doc.systemPermissions?.items.length ?? 0);
    if (count === 0) ctx.report(doc.name.span, { name: doc.name.value, lists: [ctx.terms.field('spacePermissions'), ctx.terms.field('systemPermissions')] });
  },
  // Which permissions a role should grant is the user's decision.
});

export const PERMISSION_RULES = [unknownPermission, retiredPermission, wrongLevel, duplicatePermission, emptyRole] as const;

/**
 * How `diff` gathers access changes for a reviewer: principals whose gains and losses are the same (a team
 * and the members that gain exactly what it gains, or members added together) as one block, and in a
 * block the records by their sources, records of one source and scope with the same restrictions on one
 * line. Only the text and markdown read it: the JSON keeps every record as the service gives it.
 */
import type { AccessDelta, Grant } from '../service';
import { limitsText, viaLine, type Located } from './access-output';

/** Principals whose gains and losses are the same: one block of the output. */
export interface ChangeBlock {
  /** The team whose members follow it, when one is in the block. */
  readonly team?: AccessDelta;
  /** The other principals of the block (all of it when no team is). */
  readonly others: readonly AccessDelta[];
  readonly gains: readonly Grant[];
  readonly losses: readonly Grant[];
}

/** Equal for two principals exactly when their gains and losses are the same records from the same sources. */
function changeKey(a: AccessDelta): string {
  return JSON.stringify([a.principal.module ?? null, a.gains, a.losses]);
}

/**
 * The blocks of a comparison: principals with the same change together, a team first; blocks in the
 * order of their team, or of their first principal when none is.
 */
export function changeBlocks(access: readonly AccessDelta[]): ChangeBlock[] {
  const groups = new Map<string, AccessDelta[]>();
  for (const a of access) {
    const key = changeKey(a);
    const list = groups.get(key);
    if (list) list.push(a);
    else groups.set(key, [a]);
  }
  const placed = [...groups.values()].map((list) => {
    const team = list.find((a) => a.principal.kind === 'team');
    const lead = team ?? list[0];
    return { at: access.indexOf(lead), block: { ...(team ? { team } : {}), others: list.filter((a) => a !== team), gains: lead.gains, losses: lead.losses } };
  });
  return placed.sort((x, y) => x.at - y.at).map((p) => p.block);
}

/** What a block's principals do: gain, lose, or both; said of `count` of them. */
export function changeVerb(block: ChangeBlock, count: number): string {
  const s = count === 1 ? 's' : '';
  return block.gains.length && block.losses.length ? `gain${s} and lose${s}` : block.losses.length ? `lose${s}` : `gain${s}`;
}

/**
 * Principals named as a list: bare names when all are users, each with its kind otherwise; past `most`
 * names, how many more.
 */
export function namesOf(principals: readonly AccessDelta[], most = Infinity): string {
  const users = principals.every((p) => p.principal.kind === 'user');
  const names = principals.slice(0, most).map((p) => (users ? p.principal.name : `${p.principal.kind} ${p.principal.name}`));
  return principals.length > most ? `${names.join(', ')} and ${principals.length - most} more` : names.join(', ');
}

/** "3 users", "2 groups", "4 principals": a block's principals counted. */
export function countOf(principals: readonly AccessDelta[]): string {
  const kinds = new Set(principals.map((p) => p.principal.kind));
  const kind = kinds.size === 1 ? [...kinds][0] : 'principal';
  return `${principals.length} ${kind}${principals.length === 1 ? '' : 's'}`;
}

/** Records from the same sources, as lines: the sources, then one line per scope and restrictions. */
export interface SourceGroup {
  /** One line per source (role, team, file and line). */
  readonly sources: readonly string[];
  /** `+ ` or `- ` and the permissions, scope and restrictions of records alike but for the permission. */
  readonly lines: readonly string[];
}

/**
 * Records grouped by their sources, in the order their first record comes; in a group, records of one scope
 * and the same restrictions on one line, their permissions in order. A record's `covers` (narrower records
 * of the same permission and scope, SPEC rule 5) add no context to it and are left to the JSON.
 */
export function sourceGroups(grants: readonly Grant[], sign: '+ ' | '- ', where: (uri: string | undefined) => Located): SourceGroup[] {
  const groups = new Map<string, { sources: string[]; lines: Map<string, string[]> }>();
  for (const g of grants) {
    const sources = g.via.map((v) => viaLine(v, where));
    const key = sources.join('\n');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { sources, lines: new Map() }));
    const scope = `${g.scope === 'system' ? ' server-wide' : ` in space ${g.space}`}${limitsText(g)}`;
    const permissions = group.lines.get(scope);
    if (permissions) permissions.push(g.permission);
    else group.lines.set(scope, [g.permission]);
  }
  return [...groups.values()].map((group) => ({ sources: group.sources, lines: [...group.lines].map(([scope, permissions]) => `${sign}${permissions.join(', ')}${scope}`) }));
}

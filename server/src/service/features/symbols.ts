/**
 * Symbols: the outline of a file (documents, lists, permissions, assignments) and the workspace's
 * symbols (every named role, team and space), for the editor's outline view and symbol search.
 */
import { getPermission, type Dimension, type Level } from '../catalog';
import type { CancelToken } from '../util/cancel';
import { shapeOf } from '../model/roles';
import type { Doc, FileModel, Name, NameList, PolicyDoc, RoleDoc, SpaceDoc, Span, TeamDoc } from '../model/types';
import type { ModelIndex } from '../model/workspace';
import { MAX_WORKSPACE_SYMBOLS } from './navigation';

const lower = (s: string): string => s.toLowerCase();

/** What an outline entry stands for; the server maps it to an LSP symbol kind. */
export type OutlineKind = 'role' | 'team' | 'space' | 'list' | 'permission' | 'assignment' | 'value' | 'policy';

/** An entry of the document outline, with its children. */
export interface OutlineSymbol {
  readonly name: string;
  readonly detail?: string;
  readonly kind: OutlineKind;
  /** The whole document, pair or item. */
  readonly span: Span;
  /** The name to reveal when the entry is picked; always inside `span`. */
  readonly selection: Span;
  readonly children: readonly OutlineSymbol[];
}

function symbol(name: string, kind: OutlineKind, span: Span, selection: Span | undefined, detail?: string, children: readonly OutlineSymbol[] = []): OutlineSymbol {
  const inside = selection !== undefined && selection.start >= span.start && selection.end <= span.end;
  return { name, kind, span, selection: inside ? selection : { start: span.start, end: span.start }, detail, children };
}

const LEVEL_WORDS: Record<Level, string> = { system: 'system permission', space: 'space permission', both: 'system or space permission' };

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function listSymbol(list: NameList, itemKind: OutlineKind, itemWords: [string, string], detailOf: (item: Name) => string | undefined): OutlineSymbol {
  const items = list.items.map((i) => symbol(i.value, itemKind, i.span, i.span, detailOf(i)));
  return symbol(list.key.key, 'list', list.key.pairSpan, list.key.keySpan, count(list.items.length, ...itemWords), items);
}

function roleOutline(doc: RoleDoc): OutlineSymbol {
  const level = (p: Name) => {
    const found = getPermission(p.value);
    return found ? LEVEL_WORDS[found.level] : 'unknown permission';
  };
  const lists = [doc.spacePermissions, doc.systemPermissions].filter((l): l is NameList => l !== undefined);
  const kind = `${shapeOf(doc.spacePermissions?.items ?? [], doc.systemPermissions?.items ?? [])} role`;
  return symbol(
    doc.name?.value ?? '(unnamed role)',
    'role',
    doc.span,
    doc.name?.span,
    kind,
    lists.map((l) => listSymbol(l, 'permission', ['permission', 'permissions'], level)),
  );
}

function teamOutline(doc: TeamDoc): OutlineSymbol {
  const assignments = doc.assignments.map((a) => {
    const parts: string[] = [];
    if (a.space) parts.push(`in ${a.space.value}`);
    for (const r of a.restrictions) parts.push(`${r.dimension}: ${r.list.items.map((i) => i.value).join(', ')}`);
    return symbol(a.role.value, 'assignment', a.span, a.role.span, parts.length ? parts.join(' · ') : undefined);
  });
  return symbol(doc.name?.value ?? '(unnamed team)', 'team', doc.span, doc.name?.span, doc.space ? `space ${doc.space.value}` : 'system team', assignments);
}

function spaceOutline(doc: SpaceDoc): OutlineSymbol {
  const lists = (Object.entries(doc.scopes) as [Dimension, NameList][]).sort((a, b) => a[1].key.pairSpan.start - b[1].key.pairSpan.start);
  return symbol(
    doc.name?.value ?? '(unnamed space)',
    'space',
    doc.span,
    doc.name?.span,
    undefined,
    lists.map(([, l]) => listSymbol(l, 'value', ['name', 'names'], () => undefined)),
  );
}

/** A policy: what it is about, and the principals it lists. */
function policyOutline(doc: PolicyDoc): OutlineSymbol {
  const subject = doc.permission ?? doc.capability;
  const lists = [doc.only, doc.includes].filter((l): l is NameList => l !== undefined);
  const children = lists.map((l) => listSymbol(l, 'value', ['principal', 'principals'], () => undefined));
  return symbol(doc.name?.value ?? '(unnamed policy)', 'policy', doc.span, doc.name?.span, subject ? `policy on ${subject.value}` : 'policy', children);
}

/**
 * The outline of a file, one entry per document: a role with its permission lists and their
 * permissions (labelled by level); a team (its space, or "system team") with its role assignments
 * (their space and restrictions); a space with the lists of names it declares.
 */
export function documentSymbols(model: FileModel): OutlineSymbol[] {
  return model.docs.map((doc: Doc) => (doc.kind === 'role' ? roleOutline(doc) : doc.kind === 'team' ? teamOutline(doc) : doc.kind === 'space' ? spaceOutline(doc) : policyOutline(doc)));
}

/** A role, team or space anywhere in the workspace. */
export interface WorkspaceSymbolEntry {
  readonly name: string;
  readonly kind: 'role' | 'team' | 'space';
  readonly uri: string;
  /** The span of its name. */
  readonly span: Span;
  /** Where it belongs: a team's space ("system teams" for a system team), or the file of a role or space. */
  readonly container: string;
}

/** How well `name` matches `query` (both lower case): lower is better, undefined for no match. */
function matchScore(name: string, query: string): number | undefined {
  if (query.length === 0) return 0;
  if (name === query) return 0;
  if (name.startsWith(query)) return 1;
  if (name.includes(query)) return 2;
  let i = 0;
  for (let j = 0; j < name.length; j++) if (name[j] === query[i] && ++i === query.length) return 3;
  return undefined;
}

/**
 * The roles, teams and spaces whose names match `query` without regard to case: equal, then starting
 * with it, containing it, or containing its characters in order (so `rdep` finds "Release Deployer").
 * An empty query matches everything. At most `limit` results, best first, then by name.
 */
export function workspaceSymbols(ws: ModelIndex, query: string, limit = MAX_WORKSPACE_SYMBOLS, token?: CancelToken): WorkspaceSymbolEntry[] {
  const q = lower(query.trim());
  const found: { entry: WorkspaceSymbolEntry; score: number; key: string }[] = [];
  for (const uri of ws.uris()) {
    if (token?.isCancellationRequested) break;
    const model = ws.model(uri);
    if (!model) continue;
    const file = uri.slice(uri.lastIndexOf('/') + 1);
    for (const doc of model.docs) {
      if (!doc.name || doc.kind === 'policy') continue;
      const key = lower(doc.name.value);
      const score = matchScore(key, q);
      if (score === undefined) continue;
      const container = doc.kind === 'team' ? (doc.space ? doc.space.value : 'system teams') : file;
      found.push({ score, key, entry: { name: doc.name.value, kind: doc.kind, uri, span: doc.name.span, container } });
    }
  }
  // Plain code-unit comparison: localeCompare is too slow for tens of thousands of names.
  const order = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  found.sort((a, b) => a.score - b.score || order(a.key, b.key) || order(a.entry.uri, b.entry.uri) || a.entry.span.start - b.entry.span.start);
  return found.slice(0, Math.max(0, limit)).map((f) => f.entry);
}

/**
 * What an editor colours and highlights by meaning rather than by syntax: semantic tokens that tell
 * built-in roles, custom roles, spaces, teams and permissions apart, and the occurrences in one file of
 * the name under the cursor. Both read the model and the workspace index only.
 */
import { getBuiltinRole, getPermission, getRetiredPermission } from '../catalog';
import type { Name, Span } from '../model/types';
import type { ModelIndex } from '../model/workspace';
import { targetAt } from './locate';

/**
 * Token types, named after LSP's standard ones so that every theme colours them: a role is a `class`
 * (a built-in one also `defaultLibrary`), a space a `namespace`, a team a `struct`, a permission an
 * `enumMember` (a retired one also `deprecated`).
 */
export const SEMANTIC_TOKEN_TYPES = ['class', 'namespace', 'struct', 'enumMember'] as const;
export const SEMANTIC_TOKEN_MODIFIERS = ['declaration', 'defaultLibrary', 'deprecated'] as const;

export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];
export type SemanticTokenModifier = (typeof SEMANTIC_TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  readonly span: Span;
  readonly type: SemanticTokenType;
  readonly modifiers: readonly SemanticTokenModifier[];
}

/**
 * The semantic tokens of a file, ordered by offset. Names that resolve to nothing (an unknown role or
 * permission) get no token, so they keep the plain colour that the diagnostic explains.
 */
export function semanticTokens(ws: ModelIndex, uri: string): SemanticToken[] {
  const model = ws.model(uri);
  if (!model) return [];
  const out: SemanticToken[] = [];
  const add = (name: Name | undefined, type: SemanticTokenType, ...modifiers: SemanticTokenModifier[]) => {
    if (name) out.push({ span: name.span, type, modifiers });
  };
  for (const doc of model.docs) {
    switch (doc.kind) {
      case 'role':
        add(doc.name, 'class', 'declaration');
        for (const list of [doc.spacePermissions, doc.systemPermissions]) {
          for (const item of list?.items ?? []) {
            if (getPermission(item.value)) add(item, 'enumMember', 'defaultLibrary');
            else if (getRetiredPermission(item.value)) add(item, 'enumMember', 'defaultLibrary', 'deprecated');
          }
        }
        break;
      case 'space':
        add(doc.name, 'namespace', 'declaration');
        break;
      case 'team':
        add(doc.name, 'struct', 'declaration');
        if (doc.space && ws.resolveSpace(doc.space.value)) add(doc.space, 'namespace');
        for (const a of doc.assignments) {
          const role = ws.resolveRole(a.role.value);
          if (role) add(a.role, 'class', ...(role.builtin ? (['defaultLibrary'] as const) : []));
          if (a.space && ws.resolveSpace(a.space.value)) add(a.space, 'namespace');
        }
        break;
    }
  }
  // An alias makes several model names share one source span: one token each.
  const seen = new Set<number>();
  return out
    .sort((a, b) => a.span.start - b.span.start)
    .filter((t) => {
      if (seen.has(t.span.start)) return false;
      seen.add(t.span.start);
      return true;
    });
}

/** An occurrence of the name under the cursor: where it is defined, or where it is used. */
export interface Highlight {
  readonly span: Span;
  readonly kind: 'definition' | 'reference';
}

/**
 * The occurrences in `uri` of the role, space, team or permission at `offset`, with the meaning find
 * references gives them: a role reference that names a built-in role is not an occurrence of a custom
 * role that shadows it. Only this file is read, since editors ask on every move of the cursor.
 */
export function documentHighlights(ws: ModelIndex, uri: string, offset: number): Highlight[] {
  const model = ws.model(uri);
  const target = model && targetAt(model, offset);
  if (!model || !target) return [];
  const value = target.name.value;
  const out: Highlight[] = [];
  const def = (n: Name | undefined) => n?.value === value && out.push({ span: n.span, kind: 'definition' });
  const ref = (n: Name | undefined) => n?.value === value && out.push({ span: n.span, kind: 'reference' });
  const builtin = getBuiltinRole(value) !== undefined;
  for (const doc of model.docs) {
    switch (target.type) {
      case 'permission':
        if (doc.kind === 'role') for (const list of [doc.spacePermissions, doc.systemPermissions]) list?.items.forEach(ref);
        break;
      case 'role-definition':
      case 'role-reference': {
        // The built-in role, when a reference names one; otherwise the custom role (unreferenced if shadowed).
        const meansBuiltin = target.type === 'role-reference' && builtin;
        if (doc.kind === 'role' && !meansBuiltin) def(doc.name);
        if (doc.kind === 'team' && (meansBuiltin || !builtin)) doc.assignments.forEach((a) => ref(a.role));
        break;
      }
      case 'space-definition':
      case 'space-reference':
        if (doc.kind === 'space') def(doc.name);
        if (doc.kind === 'team') [doc.space, ...doc.assignments.map((a) => a.space)].forEach(ref);
        break;
      case 'team':
        if (doc === target.doc) def(doc.name);
        break;
    }
  }
  return out.filter((h, i) => out.findIndex((o) => o.span.start === h.span.start) === i);
}

/**
 * What stands at an offset of a file: the named thing under the cursor, for hover, definition and
 * references.
 */
import type { Assignment, Doc, FileModel, Name, PermissionListKey, RoleDoc, SpaceDoc, TeamDoc } from '../model/types';

export type Target =
  | { readonly type: 'permission'; readonly name: Name; readonly list: PermissionListKey; readonly doc: RoleDoc }
  | { readonly type: 'role-definition'; readonly name: Name; readonly doc: RoleDoc }
  | { readonly type: 'role-reference'; readonly name: Name; readonly doc: TeamDoc; readonly assignment: Assignment }
  | { readonly type: 'team'; readonly name: Name; readonly doc: TeamDoc }
  | { readonly type: 'space-definition'; readonly name: Name; readonly doc: SpaceDoc }
  | { readonly type: 'space-reference'; readonly name: Name; readonly doc: TeamDoc; readonly assignment?: Assignment }
  | { readonly type: 'member'; readonly name: Name; readonly doc: TeamDoc | SpaceDoc }
  | { readonly type: 'group'; readonly name: Name; readonly doc: TeamDoc };

const inside = (name: Name | undefined, offset: number): name is Name =>
  name !== undefined && offset >= name.span.start && offset <= name.span.end;

/** The document of a file that holds `offset`, if any. */
export function docAt(model: FileModel, offset: number): Doc | undefined {
  let found: Doc | undefined;
  for (const doc of model.docs) {
    if (doc.span.start <= offset) found = doc;
    else break;
  }
  return found && offset <= found.span.end ? found : undefined;
}

/** The named thing at `offset`. */
export function targetAt(model: FileModel, offset: number): Target | undefined {
  const doc = docAt(model, offset);
  if (!doc) return undefined;
  switch (doc.kind) {
    case 'role': {
      if (inside(doc.name, offset)) return { type: 'role-definition', name: doc.name, doc };
      for (const list of ['spacePermissions', 'systemPermissions'] as const) {
        const item = doc[list]?.items.find((i) => inside(i, offset));
        if (item) return { type: 'permission', name: item, list, doc };
      }
      return undefined;
    }
    case 'space': {
      if (inside(doc.name, offset)) return { type: 'space-definition', name: doc.name, doc };
      const member = doc.managers?.members?.items.find((i) => inside(i, offset));
      return member ? { type: 'member', name: member, doc } : undefined;
    }
    case 'team': {
      if (inside(doc.name, offset)) return { type: 'team', name: doc.name, doc };
      if (inside(doc.space, offset)) return { type: 'space-reference', name: doc.space, doc };
      for (const a of doc.assignments) {
        if (inside(a.role, offset)) return { type: 'role-reference', name: a.role, doc, assignment: a };
        if (inside(a.space, offset)) return { type: 'space-reference', name: a.space, doc, assignment: a };
      }
      const member = doc.members?.items.find((i) => inside(i, offset));
      if (member) return { type: 'member', name: member, doc };
      const group = doc.externalGroups?.items.find((i) => inside(i, offset));
      return group ? { type: 'group', name: group, doc } : undefined;
    }
    case 'policy':
      return undefined;
  }
}

/**
 * Rules that need only the document itself: permission names and levels, duplicates within a list,
 * empty roles, names of built-in roles, and duplicate assignments within a team.
 */
import { allPermissions, getBuiltinRoleIgnoreCase, getPermission, getRetiredPermission } from './catalog';
import { makeDiagnostic } from './diagnostic';
import { Suggester } from './suggest';
import type { Diagnostic, Doc, NameList, PermissionListKey, RoleDoc, TeamDoc } from './types';

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

/** Runs the single-document rules on `doc` of file `uri`. */
export function checkDocument(doc: Doc, uri: string, out: Diagnostic[]): void {
  if (doc.kind === 'role') checkRole(doc, uri, out);
  else if (doc.kind === 'team') checkTeamAssignments(doc, uri, out);
}

function checkRole(role: RoleDoc, uri: string, out: Diagnostic[]): void {
  if (role.spacePermissions) checkPermissionList(role.spacePermissions, 'spacePermissions', uri, out);
  if (role.systemPermissions) checkPermissionList(role.systemPermissions, 'systemPermissions', uri, out);
  const count = (role.spacePermissions?.items.length ?? 0) + (role.systemPermissions?.items.length ?? 0);
  if (role.name) {
    if (count === 0) out.push(makeDiagnostic('empty-role', role.name.span, { name: role.name.value }, { doc: role.index }));
    const builtin = getBuiltinRoleIgnoreCase(role.name.value);
    if (builtin) {
      out.push(makeDiagnostic('shadows-builtin', role.name.span, { name: role.name.value, builtin: builtin.name }));
    }
  }
}

function checkPermissionList(list: NameList, key: PermissionListKey, uri: string, out: Diagnostic[]): void {
  const seen = new Map<string, number>();
  let suggested = 0;
  list.items.forEach((item, index) => {
    const name = item.value;
    const first = seen.get(name);
    if (first !== undefined) {
      out.push(
        makeDiagnostic('duplicate-permission', item.span, { name, list: key }, undefined, [
          { uri, span: list.items[first].span, message: 'first listed here' },
        ]),
      );
      return;
    }
    seen.set(name, index);
    const permission = getPermission(name);
    if (!permission) {
      const retired = getRetiredPermission(name);
      if (retired) {
        out.push(
          makeDiagnostic(
            'retired-permission',
            item.span,
            { name, replacement: retired.replacement, why: retired.why },
            { candidates: retired.replacement ? [retired.replacement] : [] },
          ),
        );
      } else {
        const exportImport = EXPORT_IMPORT.test(name);
        const candidates = exportImport || suggested++ >= MAX_SUGGESTED ? [] : suggestPermissions(name);
        out.push(makeDiagnostic('unknown-permission', item.span, { name, candidates, exportImport }, { candidates }));
      }
      return;
    }
    if (key === 'spacePermissions' && permission.level === 'system') {
      out.push(
        makeDiagnostic(
          'wrong-level',
          item.span,
          { name, level: 'system', list: key, target: 'systemPermissions' },
          { targetList: 'systemPermissions' },
        ),
      );
    } else if (key === 'systemPermissions' && permission.level === 'space') {
      out.push(
        makeDiagnostic(
          'wrong-level',
          item.span,
          { name, level: 'space', list: key, target: 'spacePermissions' },
          { targetList: 'spacePermissions' },
        ),
      );
    }
  });
}

/** The identity of an assignment: role, space and restrictions, order-insensitive. */
export function assignmentKey(role: string, space: string | undefined, restrictions: TeamDoc['assignments'][number]['restrictions']): string {
  const dims = restrictions
    .map((r) => `${r.dimension}=${[...new Set(r.list.items.map((i) => i.value))].sort().join('\u0001')}`)
    .sort();
  return [role, space ?? '', ...dims].join('\u0000');
}

function checkTeamAssignments(team: TeamDoc, uri: string, out: Diagnostic[]): void {
  const seen = new Map<string, number>();
  team.assignments.forEach((a, i) => {
    const space = a.space?.value ?? team.space?.value;
    const key = assignmentKey(a.role.value, space, a.restrictions);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, i);
      return;
    }
    out.push(
      makeDiagnostic(
        'duplicate-assignment',
        a.role.span,
        { role: a.role.value, team: team.name?.value ?? 'this team' },
        { role: a.role.value },
        [{ uri, span: team.assignments[first].span, message: 'first assigned here' }],
      ),
    );
  });
}

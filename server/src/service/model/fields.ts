/** The fields each kind of document has, whatever the syntax; completion offers them in this order. */
import { DIMENSIONS } from '../catalog';
import type { DocKind } from './types';

export const DOC_KEYS: Readonly<Record<DocKind, readonly string[]>> = {
  role: ['name', 'description', 'spacePermissions', 'systemPermissions', 'builtIn', 'kind'],
  team: ['name', 'description', 'space', 'members', 'externalGroups', 'roles', 'kind'],
  space: ['name', 'description', 'environments', 'projects', 'projectGroups', 'tenants', 'managers', 'kind'],
};

/** The fields of a role assignment. */
export const ASSIGNMENT_KEYS: readonly string[] = ['role', 'space', ...DIMENSIONS];

/** The fields of a space's `managers`. */
export const MANAGER_KEYS: readonly string[] = ['members', 'teams'];

/** The fields each kind of document has, whatever the syntax; completion offers them in this order. */
import { DIMENSIONS } from '../catalog';
import type { DocKind } from './types';

export const DOC_KEYS: Readonly<Record<DocKind, readonly string[]>> = {
  role: ['name', 'description', 'spacePermissions', 'systemPermissions', 'builtIn', 'kind'],
  team: ['name', 'description', 'space', 'members', 'externalGroups', 'roles', 'kind'],
  space: ['name', 'description', 'environments', 'projects', 'projectGroups', 'tenants', 'managers', 'kind'],
  policy: ['name', 'description', 'permission', 'capability', 'space', 'environment', 'project', 'projectGroup', 'tenant', 'untenanted', 'only', 'includes', 'unrestricted'],
};

/** The fields of a policy file's documents, around the policies (SPEC section 11). */
export const POLICY_FILE_KEYS: readonly string[] = ['policies', 'kind'];

/** A policy's context fields, each with the dimension whose value it names (`untenanted` names none). */
export const POLICY_CONTEXT_KEYS = { environment: 'environments', project: 'projects', projectGroup: 'projectGroups', tenant: 'tenants' } as const;

/** The fields of a role assignment. */
export const ASSIGNMENT_KEYS: readonly string[] = ['role', 'space', ...DIMENSIONS];

/** The fields of a space's `managers`. */
export const MANAGER_KEYS: readonly string[] = ['members', 'teams'];

/**
 * How a syntax words what rule messages name: its fields and the advice that depends on how a file is
 * written. Each front-end has one (model/frontend.ts); the rules get the one of the file they check, so
 * that a Terraform file is told about `granted_space_permissions`, not `spacePermissions`.
 */
export interface Terms {
  /** The syntax's name of a model field (`spacePermissions`, `space`, a dimension, `members`...). */
  field(name: string): string;
  /** How to apply an assignment in a space, as an instruction: ``use the long form with `space: ...` ``. */
  readonly inSpace: string;
  /** How to give a document a name, as code: `` `name: ...` ``. */
  readonly naming: string;
  /**
   * How to describe the server's own version of a built-in role, as an instruction (`describe it with a
   * role document that says `builtIn: true``); absent in a syntax that cannot.
   */
  readonly builtinVersion?: string;
  /** Where a space's managers are listed, as code (`` `managers.members` of space `Finance` ``). */
  managersOf?(space: string): string;
}

/** The model's own words, which are the YAML front-end's. */
export const MODEL_TERMS: Terms = {
  field: (name) => name,
  inSpace: 'use the long form with `space: ...`',
  naming: '`name: ...`',
  builtinVersion: 'describe it with a role document that says `builtIn: true`',
  managersOf: (space) => `\`managers: { members: [...] }\` in space \`${space}\``,
};

/** Where a space's managers are listed, in `terms`' words (its field for `managers` where it says no more). */
export function managersWhere(terms: Terms, space: string): string {
  return terms.managersOf?.(space) ?? `\`${terms.field('managers')}\` of space \`${space}\``;
}

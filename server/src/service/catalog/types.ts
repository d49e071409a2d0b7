/** Where a permission applies: the whole server, inside one space, or either. */
export type Level = 'system' | 'space' | 'both';

/** The dimensions a role assignment can be restricted by. */
export type Dimension = 'projects' | 'projectGroups' | 'environments' | 'tenants';

export const DIMENSIONS: readonly Dimension[] = ['projects', 'projectGroups', 'environments', 'tenants'];

export interface PermissionFact {
  readonly name: string;
  readonly level: Level;
  readonly restrictions: readonly Dimension[];
}

export interface BuiltinRoleFact {
  readonly name: string;
  /** Granted system permissions. */
  readonly system: readonly string[];
  /** Granted space permissions. */
  readonly space: readonly string[];
}

export interface RetiredPermissionFact {
  readonly name: string;
  readonly replacement: string | null;
  readonly why: string;
}

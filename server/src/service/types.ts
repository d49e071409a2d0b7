/**
 * The per-file model every feature reads. Offsets are UTF-16 code unit offsets into the file text;
 * conversion to line/character happens only at the edge (see text.ts).
 */
import type { Dimension } from './catalog';
import type { RuleCode, Severity } from './rules';

export type Kind = 'role' | 'team' | 'space';

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A scalar that names something, with the span of its source (quotes included). */
export interface Name {
  readonly value: string;
  readonly span: Span;
}

/** A key of a mapping: its span and the span of the whole `key: value` pair. */
export interface KeyRef {
  readonly key: string;
  readonly keySpan: Span;
  readonly pairSpan: Span;
}

/** A list of names under a key, such as `spacePermissions` or `environments`. */
export interface NameList {
  readonly key: KeyRef;
  /** The string items; items of other types were reported as invalid-value and left out. */
  readonly items: readonly Name[];
  /** True for `[a, b]`, false for block style. */
  readonly flow: boolean;
  /** The span of the list node itself (absent when the value is empty). */
  readonly valueSpan?: Span;
}

interface DocBase {
  /** Index of the document in its file (0-based). */
  readonly index: number;
  /** Span of the document's content. */
  readonly span: Span;
  readonly name?: Name;
  readonly keys: ReadonlyMap<string, KeyRef>;
}

export type PermissionListKey = 'spacePermissions' | 'systemPermissions';

export interface RoleDoc extends DocBase {
  readonly kind: 'role';
  readonly spacePermissions?: NameList;
  readonly systemPermissions?: NameList;
}

/** One entry of a team's `roles`. */
export interface Assignment {
  readonly role: Name;
  /** The whole list item. */
  readonly span: Span;
  /** True for the short form (`- Role Name`). */
  readonly short: boolean;
  readonly space?: Name;
  readonly spaceKey?: KeyRef;
  readonly restrictions: readonly Restriction[];
}

/** A non-empty restriction list of an assignment. */
export interface Restriction {
  readonly dimension: Dimension;
  readonly list: NameList;
}

export interface TeamDoc extends DocBase {
  readonly kind: 'team';
  /** The team's space; absent for a system team. */
  readonly space?: Name;
  readonly assignments: readonly Assignment[];
  readonly roles?: KeyRef;
}

export interface SpaceDoc extends DocBase {
  readonly kind: 'space';
  /** The declared lists; a dimension absent here is not checked. */
  readonly scopes: Partial<Record<Dimension, NameList>>;
}

export type Doc = RoleDoc | TeamDoc | SpaceDoc;

/** A place in another (or the same) file, for `relatedInformation`. */
export interface Related {
  readonly uri: string;
  readonly span: Span;
  readonly message: string;
}

/** What quick fixes need, stored with the diagnostic so that no fix reads a message. */
export interface DiagnosticData {
  /** Replacement candidates, best first (did-you-mean, replacement of a retired name). */
  candidates?: string[];
  /** Spaces a role could be applied in, most likely first. */
  spaces?: string[];
  /** The list a permission should move to. */
  targetList?: 'spacePermissions' | 'systemPermissions';
  /** The role an assignment refers to. */
  role?: string;
  /** The team's space, for making a team a system team. */
  teamSpace?: string;
  /** The restriction dimension concerned. */
  dimension?: string;
  /** Index of the document in its file. */
  doc?: number;
}

/** A diagnostic as the service produces it: offsets, not positions. */
export interface Diagnostic {
  readonly code: RuleCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly related?: readonly Related[];
  readonly data?: DiagnosticData;
}

/** The parsed content of one file. */
export interface FileModel {
  readonly uri: string;
  readonly kind: Kind;
  readonly docs: readonly Doc[];
  /** Diagnostics that depend on this file alone. */
  readonly local: readonly Diagnostic[];
  readonly suppressions: Suppressions;
}

/** Suppression comments of a file. */
export interface Suppressions {
  /** Line number (0-based) to the codes silenced on it; an empty set silences every code. */
  readonly lines: ReadonlyMap<number, ReadonlySet<string>>;
  /** Document spans whose first comment silences codes; an empty set silences every code. */
  readonly docs: readonly { readonly span: Span; readonly codes: ReadonlySet<string> }[];
}

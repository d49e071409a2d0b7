/**
 * What a syntax provides. A front-end turns the text of one file into the model (model/types.ts) and
 * owns everything about its syntax that features need: where the cursor stands for completion, and
 * edits that keep the file's formatting. Rules and features reach a syntax only through the front-end of
 * the file they work on, so adding a syntax means adding a folder in syntax/ and one line to
 * `FRONT_ENDS` (syntax/index.ts). This contract sits in the model, below the front-ends that fulfil it
 * and the index that calls them, so that neither imports upward.
 */
import type { Assignment, Diagnostic, DiagnosticData, DocKind, FileKind, KeyRef, NameList, ParsedFile, Span, SyntaxId } from './types';
import type { TextEdit } from '../util/edit';
import type { Terms } from './fields';

export interface FrontEnd {
  readonly syntax: SyntaxId;
  /** The kind of documents the file at `uri` holds, or undefined when this front-end does not read it. */
  kindOf(uri: string): FileKind | undefined;
  /**
   * Reads a file. Never throws, whatever the text: problems become `syntaxFindings`, each made by
   * `report`. Synchronous; a front-end that must load something first says so with `loading`.
   */
  parse(uri: string, text: string, kind: FileKind, report: SyntaxReporter): ParsedFile;
  /** What it must load before it can read some files; absent for a front-end that is always ready. */
  readonly loading?: FrontEndLoading;
  /** Where the cursor stands, for completion; undefined where nothing can be completed. */
  completionContext(text: string, offset: number): CompletionContext | undefined;
  readonly edits: SyntaxEdits;
  /** How the syntax words fields and advice in rule messages. */
  readonly terms: Terms;
  /** The whole file re-indented (`tabSize` spaces a level), or undefined when it cannot be done safely. */
  format?(text: string, options: { readonly tabSize: number }): string | undefined;
}

/**
 * What the findings of front-ends carry, by rule code: the arguments of that rule's message
 * (rules/structure.ts types its messages with these, so the two agree). These rules have no check of
 * their own: a front-end finds them while it reads.
 */
export interface SyntaxFindingArgs {
  readonly 'yaml-syntax': { readonly detail: string };
  readonly 'unknown-key': { readonly key: string; readonly where: string; readonly suggestion?: string; readonly allowed: readonly string[] };
  readonly 'invalid-value': { readonly what: string; readonly expected: string };
  readonly 'missing-name': { readonly kind: string };
  readonly 'kind-mismatch': { readonly kind: string; readonly suffixKind: string; readonly suffix: string };
  readonly 'tf-syntax': { readonly detail: string };
}

/**
 * How a front-end reports what it finds: handed to `parse` by whoever reads the file (the index passes
 * the one the rules' registry builds from their entries), so that a front-end never imports a rule.
 */
export interface SyntaxReporter {
  /** The diagnostic of rule `code` at `span`, with the default severity and message of its entry. */
  finding<C extends keyof SyntaxFindingArgs>(code: C, span: Span, args: SyntaxFindingArgs[C], data?: DiagnosticData): Diagnostic;
}

/**
 * What a front-end loads before it reads some files (WebAssembly: a parser and its grammar), and when. The
 * host (server/src/node/assets.ts) reads the files, since the service reads none, and hands their bytes
 * to `load` before it hands the front-end a file that `needed` says needs them.
 */
export interface FrontEndLoading {
  /** The files to read, by name: beside the bundle (scripts/bundle.mjs copies them), or from the package path given. */
  readonly assets: readonly { readonly file: string; readonly package: string }[];
  /** True when reading `text` of `uri` needs the assets and they are not loaded yet. */
  needed(uri: string, text: string): boolean;
  /** True once `load` has finished. */
  ready(): boolean;
  /** Loads them, once: later calls share the first; a failure can be retried. */
  load(bytes: (file: string) => Promise<Uint8Array>): Promise<void>;
  /** How messages name what failed to load (`the Terraform grammar`) and the files left unread (`the .tf files`). */
  readonly what: string;
  readonly files: string;
}

/** Where the cursor stands, structurally. */
export type CompletionContext =
  /** An item of the list in field `key`. */
  | { readonly type: 'item'; readonly key: string; readonly replace: Span }
  /** The value of field `key`. */
  | { readonly type: 'value'; readonly key: string; readonly replace: Span }
  /**
   * A literal id of a built-in role or team, in syntaxes that name objects by id (Terraform `user_role_id`,
   * `team_id`, an item of `space_managers_teams`).
   */
  | { readonly type: 'id'; readonly of: 'role' | 'team'; readonly replace: Span }
  /**
   * A user of a list that names users by id or by reference (Terraform `users`, `space_managers_team_members`):
   * inside a string (`quoted`) a user id, outside one a reference to a user.
   */
  | { readonly type: 'user'; readonly quoted: boolean; readonly replace: Span }
  /** A field name, of a document or of a role assignment. */
  | { readonly type: 'key'; readonly level: 'doc' | 'assignment'; readonly replace: Span };

/**
 * Edits that keep a file's formatting. Each returns undefined for a layout it does not recognise, so
 * that a fix is left out rather than producing something unexpected. Values are plain strings: the
 * front-end quotes them as its syntax needs.
 */
export interface SyntaxEdits {
  /** Removes one item of a list, given the item's span. */
  removeItem(text: string, item: Span): TextEdit | undefined;
  /** Removes a field (name and value). */
  removeField(text: string, field: KeyRef): TextEdit | undefined;
  /**
   * Adds a field to a role assignment. `like` is a span whose quoting style the new value copies.
   */
  addAssignmentField(text: string, a: Assignment, key: string, value: string, like?: Span): TextEdit | undefined;
  /**
   * Adds `value` to the list `target` of field `targetKey` (which may be empty or absent). When the list is
   * absent, the new field goes after `after`, in the style of the list `model`.
   */
  appendToList(text: string, target: NameList | undefined, targetKey: string, value: string, after: KeyRef, model: NameList | undefined): TextEdit | undefined;
  /** Replaces the names at `spans` with `value`, keeping each one's quoting where it can. */
  replaceNames(text: string, spans: readonly Span[], value: string): TextEdit[];
  /** Gives a nameless document (at `docSpan`, with the fields `keys`) the name `value`. */
  addName(text: string, docSpan: Span, keys: ReadonlyMap<string, KeyRef>, value: string): TextEdit | undefined;
  /** Removes a whole document (at `docSpan`) from a file of several, or empties a file of one. */
  removeDocument(text: string, docSpan: Span): TextEdit | undefined;
  /**
   * Adds user names to a space's managers: to its `managers.members` list when it has one, else as a new
   * `managers:` field at the end of the document (at `docSpan`).
   */
  addManagers(text: string, docSpan: Span, members: NameList | undefined, hasManagers: boolean, names: readonly string[]): TextEdit[] | undefined;
  /** The text of a new file holding one document. */
  newDocument(name: string, fields: readonly NewField[]): string;
  /** The file name suffix of a new file of `kind`. */
  fileSuffix(kind: DocKind): string;
  /** A line comment, in this syntax, holding `comment`. */
  lineComment(comment: string): string;
}

/** A list field of a new document, with a comment for its first item (or for the empty list). */
export interface NewField {
  readonly key: string;
  readonly items: readonly string[];
  readonly comment?: string;
}

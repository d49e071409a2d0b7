/**
 * The language service: everything the CLI, the language server and the tests share. It imports no
 * `vscode` and no `vscode-languageserver` runtime; test/unit/boundary.test.ts enforces that.
 *
 * Floors (docs/architecture.md, checked by test/unit/boundary.test.ts), bottom first: util/ (spans, text
 * edits), catalog/, model/ (typed data, the FrontEnd contract, the index, effective access), syntax/
 * (front-ends that read files into the model and edit them), rules/ (one module per family, one
 * registry) and features/ (completion, hover, navigation), config.ts and final.ts, edits/ (the fix
 * engine), workspace.ts (the composition root), this file.
 */
import { FRONT_ENDS, frontEndOf } from './syntax';
import { ANALYSER } from './rules/registry';
import type { FileKind, FileModel } from './model/types';
import { withLocal } from './model/workspace';

export * from './model/types';
export { DOC_KEYS, ASSIGNMENT_KEYS } from './model/fields';
export { shapeOf, place, type Located, type ResolvedRole, type RoleShape, type Placement, type PlacementRefusal } from './model/roles';
export { ModelIndex, type Analyser } from './model/workspace';
export * from './model/access';
export { accessScopeOf, accessScopes, scopeWithId, type AccessScope } from './model/access-scope';
export { DIMENSIONS, getPermission, allPermissions, getBuiltinRole, allBuiltinRoles, type Dimension, type Level } from './catalog';
export { Workspace } from './workspace';
export { RULES, RULE_CODES, isRuleCode, ruleOf, ruleDocsUrl, DOCS_URL, type RuleCode, type SeveritySetting } from './rules/registry';
export { makeDiagnostic, type Rule, type AnyRule } from './rules/rule';
export { fileTooLarge, unreadableFile, formatBytes } from './rules/files';
export { finalDiagnostics, isSuppressed } from './final';
export * from './config';
export { kindOfPath, frontEndOf, frontEndToLoad, FRONT_ENDS, type FrontEnd, type FrontEndLoading, type SyntaxEdits, type CompletionContext } from './syntax';
export { isPlainSafe, scalarText } from './syntax/yaml';
export { hclString } from './syntax/terraform/quote';
export { LineMap, type Position, type Range } from './util/text';
export { nearest } from './util/suggest';
export { complete, type CompletionEntry, type CompletionKind } from './features/completion';
export { hover, permissionHover, type HoverResult } from './features/hover';
export { accessLenses, accessHints, accessDocument, whoCan, type AccessLens, type AccessHint, type WhoCanEntry } from './features/access';
export { accessChanges, compareIndexes, compareModels, objectChanges, type AccessDelta, type DiffResult, type DiffSide, type ObjectChange } from './features/diff';
export { comparePolicies, breaksPolicy, policyStates, type PolicyChange, type PolicyComparison, type PolicyState } from './features/policy-diff';
export { policyLenses, type PolicyLens } from './features/policy';
export { targetAt, docAt, type Target } from './features/locate';
export { definition, references, prepareRename, rename, MAX_WORKSPACE_SYMBOLS, type SourceLocation, type RenamePreparation, type RenameRefusal } from './features/navigation';
export { documentSymbols, workspaceSymbols, type OutlineKind, type OutlineSymbol, type WorkspaceSymbolEntry } from './features/symbols';
export { completeConfig, configFixes, CONFIG_KEYS, CONFIG_SEVERITIES, type ConfigFix, type RuleInfo } from './features/config-completion';
export { semanticTokens, documentHighlights, SEMANTIC_TOKEN_TYPES, SEMANTIC_TOKEN_MODIFIERS, type SemanticToken, type SemanticTokenType, type SemanticTokenModifier, type Highlight } from './features/highlight';
export { formatFile, modelShape, type FormatOptions } from './features/format';
export * from './util/edit';
export { accessEffect, describeGains, grantsAccess, type AccessEffect, type PrincipalChange } from './edits/access-effect';
export { codeFixes, fixAll, verify, type CodeFix, type FixOptions, type FixAllResult } from './edits/fixes';
export type { CancelToken } from './util/cancel';

/**
 * Reads one file with its front-end and runs the rules that need only that file. For tests and tools;
 * the workspace index does the same for every file it holds.
 */
export function parseFile(uri: string, text: string, kind: FileKind): FileModel {
  const frontEnd = frontEndOf(uri) ?? FRONT_ENDS[0];
  return withLocal(frontEnd.parse(uri, text, kind, ANALYSER.reporter), ANALYSER.local, frontEnd.terms);
}

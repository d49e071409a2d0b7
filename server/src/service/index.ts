/**
 * The language service: everything the CLI, the language server and the tests share. It imports no
 * `vscode` and no `vscode-languageserver` runtime; test/unit/boundary.test.ts enforces that.
 */
import { makeDiagnostic } from './diagnostic';
import type { Diagnostic } from './types';

export * from './types';
export * from './rules';
export * from './config';
export { Workspace, type ResolvedRole, type RoleKind, type Located } from './workspace';
export { parseFile, kindOfPath, DOC_KEYS, ASSIGNMENT_KEYS } from './parse';
export { LineMap, type Position, type Range } from './text';
export { makeDiagnostic } from './diagnostic';
export { nearest } from './suggest';
export { complete, type CompletionEntry, type CompletionKind } from './completion';
export { hover, permissionHover, effectivePermissions, type HoverResult } from './hover';
export { targetAt, docAt, type Target } from './locate';
export {
  definition,
  references,
  prepareRename,
  rename,
  documentSymbols,
  workspaceSymbols,
  MAX_WORKSPACE_SYMBOLS,
  type SourceLocation,
  type RenamePreparation,
  type RenameRefusal,
  type OutlineKind,
  type OutlineSymbol,
  type WorkspaceSymbolEntry,
} from './navigation';
export * from './edit';
export { finalDiagnostics } from './final';
export { codeFixes, fixAll, verify, type CodeFix, type FixOptions, type FixAllResult } from './fixes';

/** The diagnostic for a file over the size limit. */
export function fileTooLarge(size: number, limit: number): Diagnostic {
  return makeDiagnostic('file-too-large', { start: 0, end: 0 }, { size, limit });
}

/** The diagnostic for a file that cannot be read or decoded. */
export function unreadableFile(reason: string): Diagnostic {
  return makeDiagnostic('unreadable-file', { start: 0, end: 0 }, { reason });
}

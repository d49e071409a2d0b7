/**
 * The requests that read the model: completion, hover, navigation, symbols, code actions. Each handler
 * waits for what it needs (the newest text of its file; for answers with offsets anywhere, every file),
 * calls the service and converts the answer. Waiting steps cost no turn of the event loop when there is
 * nothing to wait for, so an answer comes from the text the request was sent for.
 */
import {
  LSPErrorCodes,
  type CancellationToken,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type DocumentSymbol,
  type Hover,
  type Location,
  type SymbolInformation,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Project } from '../node/project';
import { complete, definition, documentSymbols, hover, MAX_WORKSPACE_SYMBOLS, prepareRename, references, rename, workspaceSymbols } from '../service';
import { codeActions } from './codeActions';
import { toCompletionItem, toDocumentSymbol, toHover, toLocations, toSymbolInformation, toWorkspaceEdit, urisOfEdit } from './convert';
import type { OpenDocuments } from './documents';
import type { EditorFeatures } from './editorFeatures';
import { afterSteps, refuse, type Lifecycle } from './lifecycle';

type Step = () => Promise<unknown> | undefined;

const cancelled = () => refuse(LSPErrorCodes.RequestCancelled, 'cancelled');

export interface FeatureContext {
  readonly lifecycle: Lifecycle;
  readonly project: Project;
  readonly documents: OpenDocuments;
  readonly steps: {
    /** Waits for the newest text of a file when it waits for analysis. */
    readonly current: (uri: string, token: CancellationToken) => Step;
    /** Waits for the workspace to be read and every open file analysed. */
    readonly everything: readonly Step[];
  };
  /** The client can apply edits that create files. */
  readonly createFiles: () => boolean;
  /** The editor features that completion and code actions consult (configuration files, documentation). */
  readonly editor?: EditorFeatures;
}

/** Registers the handlers of the requests that read the model. */
export function registerFeatures(connection: Connection, ctx: FeatureContext): void {
  registerReading(connection, ctx);
  registerNavigation(connection, ctx);
  registerSymbolsAndActions(connection, ctx);
}

/** Answers from the model as it is, unless the answer points into a file whose newest text waits. */
function settledFor<T>(documents: OpenDocuments, compute: () => T, uris: (t: T) => Iterable<string>): T {
  const first = compute();
  if (!documents.anyWaiting(uris(first))) return first;
  documents.settleAll();
  return compute();
}

const uriOfLocation = (ls: Location[]) => ls.map((l) => l.uri);

/** Completion, hover and go to definition: answers about one position of the file asked about. */
function registerReading(connection: Connection, ctx: FeatureContext): void {
  const { lifecycle, project, documents } = ctx;
  const { current } = ctx.steps;
  const linesOf = (uri: string) => project.ws.lines(uri);

  connection.onCompletion(
    lifecycle.request('completion', [] as CompletionItem[], (params, token) => {
      const uri = params.textDocument.uri;
      const config = ctx.editor?.configCompletion(params);
      if (config) return config;
      return afterSteps([current(uri, token)], () => {
        const lines = linesOf(uri);
        return lines ? complete(project.ws, uri, lines.offsetAt(params.position)).map((e) => toCompletionItem(lines, e)) : [];
      });
    }),
  );

  connection.onHover(
    lifecycle.request('hover', null as Hover | null, (params, token) => {
      const uri = params.textDocument.uri;
      return afterSteps([current(uri, token)], () => {
        const lines = linesOf(uri);
        const h = lines && hover(project.ws, uri, lines.offsetAt(params.position));
        return lines && h ? toHover(lines, h) : null;
      });
    }),
  );

  connection.onDefinition(
    lifecycle.request('definition', [] as Location[], (params, token) => {
      const uri = params.textDocument.uri;
      return afterSteps([current(uri, token)], () => {
        const at = linesOf(uri)?.offsetAt(params.position);
        return at === undefined ? [] : settledFor(documents, () => toLocations(project.ws, definition(project.ws, uri, at)), uriOfLocation);
      });
    }),
  );
}

/** References and rename: answers that hold offsets anywhere, so every file is read first. */
function registerNavigation(connection: Connection, ctx: FeatureContext): void {
  const { lifecycle, project } = ctx;
  const { current, everything } = ctx.steps;
  const linesOf = (uri: string) => project.ws.lines(uri);

  connection.onReferences(
    lifecycle.request('references', [] as Location[], (params, token) => {
      const uri = params.textDocument.uri;
      return afterSteps([...everything, current(uri, token)], () => {
        const lines = linesOf(uri);
        if (!lines) return [];
        const found = references(project.ws, uri, lines.offsetAt(params.position), params.context.includeDeclaration, token);
        return token.isCancellationRequested ? cancelled() : toLocations(project.ws, found);
      });
    }),
  );

  // A refusal is an error response, whose message editors show (VS Code: "Built-in roles cannot be renamed").
  connection.onPrepareRename(
    lifecycle.request('prepareRename', null, (params, token) => {
      const uri = params.textDocument.uri;
      return afterSteps([current(uri, token)], () => {
        const lines = linesOf(uri);
        if (!lines) return null;
        const p = prepareRename(project.ws, uri, lines.offsetAt(params.position));
        if ('error' in p) return refuse(LSPErrorCodes.RequestFailed, p.error);
        return { range: lines.rangeOf(p.span), placeholder: p.placeholder };
      });
    }),
  );

  connection.onRenameRequest(
    lifecycle.request('rename', null as WorkspaceEdit | null, (params, token) => {
      const uri = params.textDocument.uri;
      return afterSteps([...everything, current(uri, token)], () => {
        const lines = linesOf(uri);
        if (!lines) return null;
        const change = rename(project.ws, uri, lines.offsetAt(params.position), params.newName, token);
        // A rename stopped half-way would leave some references behind: never hand it out.
        if (token.isCancellationRequested) return cancelled();
        if ('error' in change) return refuse(LSPErrorCodes.RequestFailed, change.error);
        return toWorkspaceEdit(project.ws, change, lines, uri);
      });
    }),
  );
}

/** Document and workspace symbols, and code actions. */
function registerSymbolsAndActions(connection: Connection, ctx: FeatureContext): void {
  const { lifecycle, project, documents } = ctx;
  const { current, everything } = ctx.steps;
  const linesOf = (uri: string) => project.ws.lines(uri);

  connection.onDocumentSymbol(
    lifecycle.request('documentSymbol', [] as DocumentSymbol[], (params, token) => {
      const uri = params.textDocument.uri;
      return afterSteps([current(uri, token)], () => {
        const model = project.ws.model(uri);
        const lines = linesOf(uri);
        return model && lines ? documentSymbols(model).map((s) => toDocumentSymbol(lines, s)) : [];
      });
    }),
  );

  connection.onWorkspaceSymbol(
    lifecycle.request('workspaceSymbol', [] as SymbolInformation[], (params, token) =>
      afterSteps(everything, () => {
        const found = workspaceSymbols(project.ws, params.query, MAX_WORKSPACE_SYMBOLS, token);
        return token.isCancellationRequested ? cancelled() : found.flatMap((s) => toSymbolInformation(project.ws, s));
      }),
    ),
  );

  connection.onCodeAction(
    lifecycle.request('codeAction', [] as CodeAction[], (params, token) => {
      const uri = params.textDocument.uri;
      const config = ctx.editor?.configActions(params);
      if (config) return config;
      return afterSteps([current(uri, token)], () => {
        const actions = settledFor(
          documents,
          () => codeActions(project.ws, params, project.settingsFor(uri), { createFiles: ctx.createFiles() }),
          (found) => found.flatMap((a) => (a.edit ? urisOfEdit(a.edit) : [])),
        );
        return ctx.editor ? ctx.editor.decorateActions(params, actions) : actions;
      });
    }),
  );
}

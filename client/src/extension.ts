/**
 * The VS Code extension: starts the language server and adds what only VS Code has: a language status
 * item, the rule documentation view, the commands of the command palette and a walkthrough (in
 * package.json). Everything else lives in the server, so any other LSP client gets the same behaviour.
 */
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type Middleware, type ServerOptions } from 'vscode-languageclient/node';
import { CLIENT_COMMANDS, SERVER_COMMANDS, STATUS_METHOD, type FixAllFilesResult, type Status } from '../../server/src/lsp/protocol';
import { registerAccess } from './access';
import { DOCS_SCHEME, RuleDocumentation } from './docs';
import { StatusItem, type StatusView } from './status';
import { HASHICORP_TERRAFORM, terraformFormatterToSet } from './terraform-format';

let client: LanguageClient | undefined;

const SELECTOR: { scheme: string; language?: string; pattern?: string }[] = [
  { scheme: 'file', language: 'octopus-roles' },
  { scheme: 'untitled', language: 'octopus-roles' },
  // Completion and quick fixes in the configuration file.
  { scheme: 'file', pattern: '**/.octopus-roles.yaml' },
  // Terraform modules (SPEC section 9), beside HashiCorp's extension: its language id when it is
  // installed, the file pattern when it is not.
  { scheme: 'file', language: 'terraform' },
  { scheme: 'file', pattern: '**/*.tf' },
];

/** What the extension exports: for the end-to-end tests, which cannot read a status item otherwise. */
export interface OctopusRolesApi {
  status(): StatusView;
  readonly onDidChangeStatus: vscode.Event<StatusView>;
}

const isTerraform = (doc: vscode.TextDocument): boolean => doc.languageId === 'terraform' || doc.uri.path.endsWith('.tf');

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, docs: RuleDocumentation, access: Middleware): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    outputChannel: output,
    initializationOptions: { settings: vscode.workspace.getConfiguration('octopusRoles') },
    middleware: {
      ...access,
      // In Terraform files HashiCorp's extension colours, highlights and formats: ours gives way (VS Code
      // takes the first provider with a result for these).
      provideDocumentSemanticTokens: (doc, token, next) => (isTerraform(doc) ? undefined : next(doc, token)),
      provideDocumentHighlights: (doc, position, token, next) => (isTerraform(doc) ? undefined : next(doc, position, token)),
      provideDocumentFormattingEdits: (doc, options, token, next) => (isTerraform(doc) ? undefined : next(doc, options, token)),
      // The server's "Show documentation" shows the README at the rule's line; VS Code can render it.
      executeCommand: async (command, args, next) => {
        if (command === SERVER_COMMANDS.showDocumentation && typeof args[0] === 'string') return docs.show(args[0]);
        return access.executeCommand ? access.executeCommand(command, args, next) : next(command, args);
      },
    },
  };
  return new LanguageClient('octopusRoles', 'Octopus Roles', serverOptions, clientOptions);
}

async function fixAllFiles(c: LanguageClient): Promise<void> {
  const dirty = new Set(vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()));
  const result = (await c.sendRequest('workspace/executeCommand', { command: SERVER_COMMANDS.fixAllFiles })) as FixAllFilesResult | null;
  if (!result) return;
  if (!result.applied) {
    void vscode.window.showWarningMessage('Octopus Roles: the fixes were not applied.');
    return;
  }
  // Files that had no unsaved changes are saved, as `check --fix` would write them; the others stay for the user.
  for (const uri of result.files) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (doc?.isDirty && !dirty.has(uri)) await doc.save();
  }
  const files = result.files.length;
  void vscode.window.showInformationMessage(
    result.fixes === 0 ? 'Octopus Roles: nothing to fix safely.' : `Octopus Roles: fixed ${result.fixes} problem${result.fixes === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}.`,
  );
}

/**
 * Makes HashiCorp's extension the formatter of Terraform files in the user's settings when it is installed
 * and nothing names one (terraform-format.ts); this extension registers a formatter for `.tf` files too,
 * which gives way to it.
 */
async function chooseTerraformFormatter(output: vscode.LogOutputChannel): Promise<void> {
  const config = vscode.workspace.getConfiguration('editor', { languageId: 'terraform' });
  const formatter = terraformFormatterToSet(vscode.extensions.getExtension(HASHICORP_TERRAFORM) !== undefined, config.inspect('defaultFormatter'));
  if (formatter === undefined) return;
  try {
    await config.update('defaultFormatter', formatter, vscode.ConfigurationTarget.Global, true);
    output.info(`Set "[terraform]": { "editor.defaultFormatter": "${formatter}" } in the user settings, since no formatter was chosen for Terraform files`);
  } catch (err) {
    output.warn(`Could not choose HashiCorp's formatter for Terraform files: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<OctopusRolesApi> {
  const output = vscode.window.createOutputChannel('Octopus Roles', { log: true });
  const docs = new RuleDocumentation(context.extensionUri);
  const status = new StatusItem(SELECTOR, CLIENT_COMMANDS.showOutput);
  context.subscriptions.push(output, status, vscode.workspace.registerTextDocumentContentProvider(DOCS_SCHEME, docs));
  const access = registerAccess(context, () => client, output);
  void chooseTerraformFormatter(output);
  // HashiCorp's extension may be installed while this one runs.
  context.subscriptions.push(vscode.extensions.onDidChange(() => void chooseTerraformFormatter(output)));
  const c = (client = createClient(context, output, docs, access));
  context.subscriptions.push(
    c.onDidChangeState((e) => (e.newState === State.Starting ? status.starting() : e.newState === State.Stopped ? status.stopped() : undefined)),
    c.onNotification(STATUS_METHOD, (s: Status) => status.update(s)),
    vscode.commands.registerCommand(CLIENT_COMMANDS.restartServer, async () => {
      output.info('Restarting the Octopus Roles language server');
      await c.restart();
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(CLIENT_COMMANDS.showDocumentation, (code?: unknown) => docs.show(typeof code === 'string' ? code : undefined)),
    vscode.commands.registerCommand(CLIENT_COMMANDS.checkWorkspace, async () => {
      await c.sendRequest('workspace/executeCommand', { command: SERVER_COMMANDS.checkWorkspace });
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.fixAllFiles, () => fixAllFiles(c)),
  );
  await c.start();
  return { status: () => status.view(), onDidChangeStatus: status.onDidChange };
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}

/**
 * The VS Code extension: starts the language server and offers a restart command. Everything of
 * substance lives in the server, so any other LSP client gets the same behaviour.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type Middleware, type ServerOptions } from 'vscode-languageclient/node';
import { registerAccess } from './access';

let client: LanguageClient | undefined;

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, middleware: Middleware): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'octopus-roles' },
      { scheme: 'untitled', language: 'octopus-roles' },
    ],
    outputChannel: output,
    middleware,
    initializationOptions: { settings: vscode.workspace.getConfiguration('octopusRoles') },
  };
  return new LanguageClient('octopusRoles', 'Octopus Roles', serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Octopus Roles', { log: true });
  context.subscriptions.push(output);
  const middleware = registerAccess(context, () => client);
  client = createClient(context, output, middleware);
  context.subscriptions.push(
    vscode.commands.registerCommand('octopusRoles.restartServer', async () => {
      output.info('Restarting the Octopus Roles language server');
      if (client) await client.restart();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}

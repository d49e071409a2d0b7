/**
 * The VS Code extension: starts the language server and offers a restart command. Everything of
 * substance lives in the server, so any other LSP client gets the same behaviour.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'octopus-roles' },
      { scheme: 'untitled', language: 'octopus-roles' },
      // Terraform modules (SPEC section 9), beside HashiCorp's extension: its language id when it is
      // installed, the file pattern when it is not.
      { scheme: 'file', language: 'terraform' },
      { scheme: 'file', pattern: '**/*.tf' },
    ],
    outputChannel: output,
    initializationOptions: { settings: vscode.workspace.getConfiguration('octopusRoles') },
  };
  return new LanguageClient('octopusRoles', 'Octopus Roles', serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Octopus Roles', { log: true });
  context.subscriptions.push(output);
  client = createClient(context, output);
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

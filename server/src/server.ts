/**
 * Entry point of `octopus-roles-language-server` and of the bundled server the extension starts. The
 * server itself is in lsp/.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/server';

export { startServer };

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe', '--clientProcessId'];

export function main(): void {
  if (!process.argv.some((a) => TRANSPORTS.some((t) => a === t || a.startsWith(t + '=')))) {
    process.stderr.write('Usage: octopus-roles-language-server --stdio\n\nStarts the Octopus Roles language server for an LSP client (Neovim, Emacs, Helix, ...).\n');
    process.exitCode = 2;
    return;
  }
  startServer(createConnection(ProposedFeatures.all));
}

if (require.main === module) main();

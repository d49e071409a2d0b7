/**
 * Effective access in VS Code: the team lens opens the team's access as a Markdown preview, the role lens
 * peeks at the assignments that use the role, *Octopus Roles: Who Can...* asks for a permission or
 * capability and a space, then lists who holds it, each entry going to its source, *Explain Principal...*
 * opens the access of a team, user or group picked from all of them, and *Access Diff with Branch...*
 * (diff.ts) shows what the working tree changes in access against a branch. The answers come from the
 * server's commands (`workspace/executeCommand`), which other editors can call too.
 */
import * as vscode from 'vscode';
import type { LanguageClient, Middleware } from 'vscode-languageclient/node';
import { ACCESS_COMMANDS, CLIENT_COMMANDS, type SubjectPrincipal } from '../../server/src/lsp/protocol';
import { accessDiffCommand } from './diff';

/** The scheme of the read-only documents that show a principal's access. */
export const ACCESS_SCHEME = 'octopus-roles-access';

interface WhoCanEntry {
  readonly principal: string;
  readonly kind: string;
  readonly name: string;
  readonly space?: string;
  /** The folder URI of the Terraform module the principal belongs to; absent in the YAML model. */
  readonly module?: string;
  readonly grants: readonly { scope: string; space?: string; restrictions: Record<string, string[]>; via: string[] }[];
  readonly locations: readonly { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
}

interface Subjects {
  readonly permissions: readonly { name: string; level: string; description: string }[];
  readonly capabilities: readonly { name: string; description: string }[];
  readonly spaces: readonly string[];
  readonly principals: readonly SubjectPrincipal[];
}

/** Holds the Markdown of the access documents opened so far, by URI: read-only documents. */
export class AccessDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

/** Opens a principal's effective access, as the server writes it, in a Markdown preview. */
async function showAccess(client: LanguageClient, docs: AccessDocuments, principal: string): Promise<void> {
  const markdown = await client.sendRequest<string | null>('workspace/executeCommand', { command: ACCESS_COMMANDS.accessDocument, arguments: [principal] });
  if (!markdown) {
    void vscode.window.showWarningMessage(`Octopus Roles: no effective access for ${principal}.`);
    return;
  }
  // A module's principal is its key, a NUL and the module's URI: the tab shows the module's folder instead.
  const [key, module] = principal.split('\u0000');
  await showMarkdown(docs, module === undefined ? key : `${key} (${moduleText(module)})`, markdown);
}

/** Shows Markdown as a read-only document titled `title`, in the preview beside the editor. */
export async function showMarkdown(docs: AccessDocuments, title: string, markdown: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: ACCESS_SCHEME, path: `/${title.replace(/[/\\]/g, '∕')}.md` });
  docs.set(uri, markdown);
  // Beside the file, so that the file and what it grants can be read together.
  await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
}

/** A module's folder as the user reads it: relative to the workspace. */
function moduleText(module: string): string {
  return `module ${vscode.workspace.asRelativePath(vscode.Uri.parse(module), false).replace(/\/+$/, '') || '.'}`;
}

/** The middleware that turns the lenses' commands into what VS Code shows. */
export function accessMiddleware(getClient: () => LanguageClient | undefined, docs: AccessDocuments): Middleware {
  return {
    executeCommand: async (command, args, next) => {
      const client = getClient();
      if (command === ACCESS_COMMANDS.showAccess && client && typeof args[0] === 'string') return showAccess(client, docs, args[0]);
      if (command === ACCESS_COMMANDS.showRoleUsers && client) {
        const [uri, position, locations] = args as [string, { line: number; character: number }, WhoCanEntry['locations']];
        const converted = locations.map((l) => client.protocol2CodeConverter.asLocation(l));
        return vscode.commands.executeCommand('editor.action.showReferences', vscode.Uri.parse(uri), client.protocol2CodeConverter.asPosition(position), converted);
      }
      return next(command, args);
    },
  };
}

/** *Octopus Roles: Who Can...*: pick what, pick where, then pick a principal to go to its source. */
async function whoCanCommand(client: LanguageClient): Promise<void> {
  const subjects = await client.sendRequest<Subjects>('workspace/executeCommand', { command: ACCESS_COMMANDS.accessSubjects, arguments: [] });
  const what = await vscode.window.showQuickPick(
    [
      ...subjects.capabilities.map((c) => ({ label: c.name, description: 'capability', detail: c.description })),
      ...subjects.permissions.map((p) => ({ label: p.name, description: `${p.level} permission`, detail: p.description })),
    ],
    { title: 'Who can...', placeHolder: 'A permission or a capability', matchOnDetail: true },
  );
  if (!what) return;
  const where = subjects.spaces.length
    ? await vscode.window.showQuickPick([{ label: 'Any space', space: '' }, ...subjects.spaces.map((s) => ({ label: s, space: s }))], { title: `Who can ${what.label}: where?` })
    : { label: 'Any space', space: '' };
  if (!where) return;
  const entries = await client.sendRequest<WhoCanEntry[] | null>('workspace/executeCommand', { command: ACCESS_COMMANDS.whoCan, arguments: [what.label, where.space] });
  if (!entries || entries.length === 0) {
    void vscode.window.showInformationMessage(`Nobody can ${what.label}${where.space ? ` in ${where.space}` : ''}.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    entries.map((e) => ({
      label: `${e.kind} ${e.name}`,
      description: [e.space ? `space ${e.space}` : e.kind === 'team' ? 'system team' : '', e.module !== undefined ? moduleText(e.module) : ''].filter(Boolean).join(' · '),
      detail: e.grants
        .map((g) => {
          const limits = Object.entries(g.restrictions).map(([d, v]) => `${d}: ${v.join(', ')}`);
          return `${g.scope === 'system' ? 'server-wide' : `in ${g.space}`}${limits.length ? ` (only ${limits.join('; ')})` : ''} via ${g.via.join(', ')}`;
        })
        .join(' · '),
      entry: e,
    })),
    { title: `Who can ${what.label}${where.space ? ` in ${where.space}` : ''}: ${entries.length}`, matchOnDetail: true },
  );
  const target = picked?.entry.locations[0];
  if (!target) return;
  const location = client.protocol2CodeConverter.asLocation(target);
  await vscode.window.showTextDocument(location.uri, { selection: location.range });
}

/** *Octopus Roles: Explain Principal...*: pick a team, user or external group, then open its access. */
async function explainCommand(client: LanguageClient, docs: AccessDocuments): Promise<void> {
  const subjects = await client.sendRequest<Subjects>('workspace/executeCommand', { command: ACCESS_COMMANDS.accessSubjects, arguments: [] });
  if (!subjects.principals.length) {
    void vscode.window.showInformationMessage('Octopus Roles: the workspace has no teams, users or groups yet.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    subjects.principals.map((p) => ({
      label: `${p.kind === 'group' ? 'external group' : p.kind} ${p.name}`,
      description: [p.space ? `space ${p.space}` : p.kind === 'team' ? 'system team' : '', p.module !== undefined ? moduleText(p.module) : ''].filter(Boolean).join(' · '),
      key: p.key,
    })),
    { title: 'Explain principal', placeHolder: 'A team, user or external group', matchOnDescription: true },
  );
  if (picked) await showAccess(client, docs, picked.key);
}

/** Registers what effective access needs in VS Code; returns the middleware for the client's options. */
export function registerAccess(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined, output: vscode.LogOutputChannel): Middleware {
  const docs = new AccessDocuments();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(ACCESS_SCHEME, docs),
    vscode.commands.registerCommand(CLIENT_COMMANDS.whoCan, async () => {
      const client = getClient();
      if (client) await whoCanCommand(client);
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.explainPrincipal, async () => {
      const client = getClient();
      if (client) await explainCommand(client, docs);
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.accessDiff, () => accessDiffCommand(context, output, (title, markdown) => showMarkdown(docs, title, markdown))),
  );
  return accessMiddleware(getClient, docs);
}

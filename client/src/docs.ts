/**
 * The documentation view: a rule's section of the README that ships in the extension, rendered by VS
 * Code's Markdown preview, so that it reads the same with or without a network. The section is served
 * as a read-only virtual document (`octopus-roles-docs:/CODE.md`), which the preview renders.
 */
import * as vscode from 'vscode';
import { ruleSections, type RuleSection } from '../../server/src/lsp/readme';

export const DOCS_SCHEME = 'octopus-roles-docs';

export class RuleDocumentation implements vscode.TextDocumentContentProvider {
  private sections: Map<string, RuleSection> | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  private async all(): Promise<Map<string, RuleSection>> {
    if (!this.sections) {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'README.md'));
      this.sections = ruleSections(new TextDecoder().decode(bytes));
    }
    return this.sections;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const code = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const section = (await this.all()).get(code);
    if (!section) return `# ${code}\n\nNo rule has this code.\n`;
    return `${section.markdown}\n---\n\n*From the Octopus Roles README, section \`${code}\`.*\n`;
  }

  /** Opens the section of `code` in the Markdown preview; without a code, asks which rule. */
  async show(code?: string): Promise<boolean> {
    const sections = await this.all();
    const chosen = code ?? (await vscode.window.showQuickPick([...sections.keys()], { placeHolder: 'Show the documentation of which rule?' }));
    if (!chosen) return false;
    const uri = vscode.Uri.from({ scheme: DOCS_SCHEME, path: `/${chosen}.md` });
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      // Without the built-in Markdown extension, the text itself.
      await vscode.window.showTextDocument(uri, { preview: true });
    }
    return true;
  }
}

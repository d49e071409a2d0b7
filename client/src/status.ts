/**
 * The language status item (the `{}` beside the language name in the status bar, as ESLint and
 * rust-analyzer have): what the server is doing, how many files it checked, and their errors and
 * warnings, fed by the server's `octopusRoles/status` notification. Clicking opens the Problems panel
 * when there is something to see, the output channel otherwise.
 */
import * as vscode from 'vscode';
import type { Status } from '../../server/src/lsp/protocol';

/** What the item shows, for the end-to-end tests (the API has no way to read an item back). */
export interface StatusView {
  readonly text: string;
  readonly detail: string;
  readonly busy: boolean;
  readonly command: string | undefined;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly changed = new vscode.EventEmitter<StatusView>();
  /** Fires whenever the item changes. */
  readonly onDidChange = this.changed.event;

  constructor(selector: vscode.DocumentSelector, private readonly showOutput: string) {
    this.item = vscode.languages.createLanguageStatusItem('octopusRoles.status', selector);
    this.item.name = 'Octopus Roles';
    this.starting();
  }

  /** The server is starting (or restarting). */
  starting(): void {
    this.item.busy = true;
    this.item.text = 'Octopus Roles: starting';
    this.item.detail = '';
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.command = { title: 'Show Output', command: this.showOutput };
    this.fire();
  }

  /** The server stopped and will not come back by itself. */
  stopped(): void {
    this.item.busy = false;
    this.item.text = 'Octopus Roles: stopped';
    this.item.detail = 'See the output';
    this.item.severity = vscode.LanguageStatusSeverity.Error;
    this.item.command = { title: 'Show Output', command: this.showOutput };
    this.fire();
  }

  update(s: Status): void {
    this.item.busy = s.indexing;
    this.item.text = s.indexing ? `Reading the workspace: ${plural(s.files, 'file')}` : `${plural(s.files, 'file')} checked`;
    this.item.detail = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}`;
    this.item.severity = s.errors > 0 ? vscode.LanguageStatusSeverity.Error : s.warnings > 0 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    this.item.command =
      s.errors + s.warnings > 0 ? { title: 'Show Problems', command: 'workbench.actions.view.problems' } : { title: 'Show Output', command: this.showOutput };
    this.fire();
  }

  view(): StatusView {
    return { text: this.item.text, detail: this.item.detail ?? '', busy: this.item.busy, command: this.item.command?.command };
  }

  private fire(): void {
    this.changed.fire(this.view());
  }

  dispose(): void {
    this.item.dispose();
    this.changed.dispose();
  }
}

/**
 * What the language server and the VS Code client agree on beyond LSP: the status notification and the
 * commands that code actions carry. Type-only for the client apart from the names, so that importing
 * it pulls no server code into the client bundle.
 */

/** The notification (and request) with the indexing state and counts, for a status item. */
export const STATUS_METHOD = 'octopusRoles/status';

/** The indexing state and counts that a status item shows. */
export interface Status {
  /** True while the workspace is being read. */
  readonly indexing: boolean;
  /** Files in the model (read so far, while indexing). */
  readonly files: number;
  readonly errors: number;
  readonly warnings: number;
}

/**
 * Commands the server executes (`workspace/executeCommand`), named apart from the VS Code client's own
 * commands so that the client library can register them without a clash.
 */
export const SERVER_COMMANDS = {
  /** Shows a rule's README section (`window/showDocument`); argument: the rule code. */
  showDocumentation: 'octopus-roles.showDocumentation',
  /** Shows a file a fix created (`window/showDocument`); argument: its URI. */
  showFile: 'octopus-roles.showFile',
  /** Reads every file of the workspace again and checks it. */
  checkWorkspace: 'octopus-roles.checkWorkspace',
  /** Applies the safe fixes of every file (`workspace/applyEdit`); answers a `FixAllFilesResult`. */
  fixAllFiles: 'octopus-roles.fixAllFiles',
} as const;

/** What `octopus-roles.fixAllFiles` answers. */
export interface FixAllFilesResult {
  /** The files changed, as URIs. */
  readonly files: string[];
  /** The fixes applied, over all files. */
  readonly fixes: number;
  /** False when the client refused or failed to apply the edit. */
  readonly applied: boolean;
}

/** The VS Code client's commands. */
export const CLIENT_COMMANDS = {
  showDocumentation: 'octopusRoles.showDocumentation',
  checkWorkspace: 'octopusRoles.checkWorkspace',
  fixAllFiles: 'octopusRoles.fixAllFiles',
  showOutput: 'octopusRoles.showOutput',
  restartServer: 'octopusRoles.restartServer',
  whoCan: 'octopusRoles.whoCan',
  explainPrincipal: 'octopusRoles.explainPrincipal',
  accessDiff: 'octopusRoles.accessDiff',
} as const;

/** The commands of effective access (server/src/lsp/access.ts), for the lenses and *Who Can...*. */
export const ACCESS_COMMANDS = {
  /** The team lens: a principal's effective access as Markdown; argument: the principal (`team:...`). */
  showAccess: 'octopus-roles.showAccess',
  /** The same, for any client: argument: the principal. */
  accessDocument: 'octopus-roles.accessDocument',
  /** Who holds a permission or capability; arguments: its name, and a space or ''. */
  whoCan: 'octopus-roles.whoCan',
  /** The permissions, capabilities, spaces and principals *Who Can...* and *Explain Principal...* offer. */
  accessSubjects: 'octopus-roles.accessSubjects',
  /** The role lens: the assignments of a role; arguments: URI, position, locations. */
  showRoleUsers: 'octopus-roles.showRoleUsers',
} as const;

/** A principal as `octopus-roles.accessSubjects` lists it: its key for `accessDocument`, and how to show it. */
export interface SubjectPrincipal {
  readonly key: string;
  readonly kind: 'team' | 'user' | 'group';
  readonly name: string;
  readonly space?: string;
  /** The folder URI of the Terraform module the principal belongs to; absent in the YAML model. */
  readonly module?: string;
}

/**
 * Which formatter `.tf` files get: HashiCorp's, set by the client only when HashiCorp's extension is
 * installed and nobody has chosen one. A static `configurationDefaults` would name it even where it is not
 * installed, and VS Code would then refuse to format `.tf` files with a message about a missing extension.
 * No VS Code here, so that the decision is tested on its own.
 */

/** HashiCorp's Terraform extension, the formatter it registers. */
export const HASHICORP_TERRAFORM = 'hashicorp.terraform';

/** What `WorkspaceConfiguration.inspect('editor.defaultFormatter')` says for the terraform language. */
export interface InspectedFormatter {
  readonly defaultLanguageValue?: unknown;
  readonly globalLanguageValue?: unknown;
  readonly workspaceLanguageValue?: unknown;
  readonly workspaceFolderLanguageValue?: unknown;
}

/**
 * The formatter to set for the terraform language in the user's settings, or undefined to set nothing:
 * only when HashiCorp's extension is installed and no setting or extension default names one for
 * Terraform files already (a user's choice, even of another formatter, is never replaced).
 */
export function terraformFormatterToSet(hashicorpInstalled: boolean, inspected: InspectedFormatter | undefined): string | undefined {
  if (!hashicorpInstalled) return undefined;
  const chosen = [inspected?.defaultLanguageValue, inspected?.globalLanguageValue, inspected?.workspaceLanguageValue, inspected?.workspaceFolderLanguageValue];
  return chosen.some((v) => v !== undefined && v !== null && v !== '') ? undefined : HASHICORP_TERRAFORM;
}

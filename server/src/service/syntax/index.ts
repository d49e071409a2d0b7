/** The front-ends, one per syntax the product reads. A new syntax is one more entry here. */
import type { FileKind } from '../model/types';
import type { FrontEnd } from '../model/frontend';
import { TERRAFORM_FRONT_END } from './terraform';
import { YAML_FRONT_END } from './yaml';

export const FRONT_ENDS: readonly FrontEnd[] = [YAML_FRONT_END, TERRAFORM_FRONT_END];

/** The kind of documents the file at `path` (a path or URI) holds; undefined for a file no front-end reads. */
export function kindOfPath(path: string): FileKind | undefined {
  for (const f of FRONT_ENDS) {
    const kind = f.kindOf(path);
    if (kind) return kind;
  }
  return undefined;
}

export type { FrontEnd, SyntaxEdits, CompletionContext, NewField } from '../model/frontend';
export { initTerraform, terraformReady, isTerraformPath, needsTerraformGrammar, type TerraformWasm } from './terraform';

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

/** The front-end that reads the file at `path`, if any. */
export function frontEndOf(path: string): FrontEnd | undefined {
  return FRONT_ENDS.find((f) => f.kindOf(path) !== undefined);
}

/** The front-end that must load its assets before it can read `text` of `uri` (FrontEnd.loading), if one must. */
export function frontEndToLoad(uri: string, text: string): FrontEnd | undefined {
  const f = frontEndOf(uri);
  return f?.loading?.needed(uri, text) ? f : undefined;
}

export type { FrontEnd, FrontEndLoading, SyntaxEdits, CompletionContext, NewField } from '../model/frontend';

/**
 * The composition root of the service: the workspace index with this product's front-ends and rules.
 * Everything that builds a workspace (the checker, the language server, tests) uses this class.
 */
import { ModelIndex } from './model/workspace';
import { ANALYSER } from './rules/registry';
import { FRONT_ENDS } from './syntax';

export class Workspace extends ModelIndex {
  constructor() {
    super(FRONT_ENDS, ANALYSER);
  }

  /** True when some front-end reads `uri`. */
  static accepts(uri: string): boolean {
    return FRONT_ENDS.some((f) => f.kindOf(uri) !== undefined);
  }
}

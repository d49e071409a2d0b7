/**
 * The YAML front-end: `*.role.yaml`, `*.team.yaml` and `*.space.yaml` files (also `.yml`), SPEC section 3.
 */
import { MODEL_TERMS } from '../../model/fields';
import type { FrontEnd } from '../../model/frontend';
import { completionContext } from './context';
import { YAML_EDITS } from './edits';
import { formatYaml } from './format';
import { parseYaml, yamlKindOf } from './parse';

export const YAML_FRONT_END: FrontEnd = {
  syntax: 'yaml',
  kindOf: yamlKindOf,
  parse: parseYaml,
  completionContext,
  edits: YAML_EDITS,
  terms: MODEL_TERMS,
  format: formatYaml,
};

export { isPlainSafe, scalarText } from './edits';

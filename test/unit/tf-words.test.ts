/**
 * Every message, hover and fix title in a `.tf` file speaks Terraform (SPEC section 9): attribute and
 * resource names, never the YAML keys (`spacePermissions`, `space:`, `builtIn: true`, ...).
 */
import * as assert from 'node:assert/strict';
import { ensureTerraform } from '../../server/src/node/terraform';
import { codeFixes, complete, DEFAULT_SETTINGS, hover } from '../../server/src/service';
import { ASSIGNMENT_KEYS, DOC_KEYS, MANAGER_KEYS } from '../../server/src/service/model/fields';
import { fixtureSources, parseFixture, workspaceOf } from '../support/fixture';

/** The YAML keys that the provider spells differently (`name` and `description` are the same in both). */
const YAML_KEYS = [...new Set([...Object.values(DOC_KEYS).flat(), ...ASSIGNMENT_KEYS, ...MANAGER_KEYS, 'role', 'roles'])].filter((k) => k !== 'name' && k !== 'description');

/** The YAML keys a text names as code: `` `spacePermissions` ``, `` `space: ...` ``, `` `builtIn: true` ``. */
function yamlKeysIn(text: string): string[] {
  return YAML_KEYS.filter((k) => new RegExp('`' + k + '(`|:)').test(text));
}

describe('.tf files speak Terraform', () => {
  before(async () => {
    await ensureTerraform();
  });

  for (const fixture of fixtureSources().filter((f) => f.terraform)) {
    it(`${fixture.name}: no message, fix title or hover names a YAML key`, () => {
      const files = parseFixture(fixture.text, fixture.defaultPath);
      const { ws } = workspaceOf(files);
      const found: string[] = [];
      for (const f of files.filter((x) => x.path.endsWith('.tf'))) {
        for (const d of ws.diagnostics(f.path)) {
          for (const key of yamlKeysIn(d.message)) found.push(`${f.path} ${d.code} message: ${key}`);
          for (const fix of codeFixes(ws, f.path, d, DEFAULT_SETTINGS)) for (const key of yamlKeysIn(fix.title)) found.push(`${f.path} ${d.code} fix "${fix.title}": ${key}`);
        }
        // A hover at the start of every word and string.
        for (let i = 0; i < f.text.length; i++) {
          if (i > 0 && /[\w"]/.test(f.text[i - 1])) continue;
          const h = hover(ws, f.path, i);
          for (const key of h ? yamlKeysIn(h.markdown) : []) found.push(`${f.path} hover at ${i} (${f.text.slice(i, i + 30).split('\n')[0]}): ${key}`);
        }
      }
      assert.deepEqual([...new Set(found)], []);
    });
  }

  it('documents permission names completed in a granted list with the provider\'s list names', () => {
    const source = '#= main.tf\nresource "octopusdeploy_user_role" "r" {\n  name = "R"\n  granted_space_permissions = ["Proj$0"]\n}\n';
    const [file] = parseFixture(source);
    const { ws } = workspaceOf([file]);
    const entries = complete(ws, file.path, file.cursor!);
    const view = entries.find((e) => e.label === 'ProjectView');
    assert.match(view?.documentation ?? '', /`granted_space_permissions`/);
    assert.deepEqual(entries.flatMap((e) => yamlKeysIn(e.documentation ?? '')), []);
  });
});

/**
 * Every edit the server hands out for a Terraform file parses with HashiCorp's HCL parser (issue 23): each
 * quick fix of each finding of every Terraform fixture and fixture module, and of a module whose names are
 * built to break HCL (`"`, `\`, `${`, `%{`, control and non-BMP characters), applied to the file as the
 * editor would, gives a file that `@cdktf/hcl2json` reads, when the file read before the fix.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureTerraform } from '../../server/src/node/terraform';
import { DEFAULT_SETTINGS, codeFixes, hclString, Workspace } from '../../server/src/service';
import { fixtureSources, parseFixture } from '../support/fixture';
import { applyChange } from '../support/fixcheck';
import { parseHcl } from '../support/hcl';
import { HOSTILE_NAMES } from '../support/hostile-names';

const MODULES = path.resolve(__dirname, '../../../test/fixtures/terraform-modules');

/** Whether HCL reads `text`. */
const parses = (text: string, name: string) => parseHcl(text, name).then(() => true, () => false);

/**
 * Applies every fix of every finding of the workspace made of `texts`; returns how many fixes touched a
 * Terraform file, and the fixes whose result HCL does not read (with HCL's reason).
 */
async function fixesThatBreak(texts: ReadonlyMap<string, string>): Promise<{ applied: number; broken: string[] }> {
  const ws = new Workspace();
  for (const [uri, text] of texts) ws.setFile(uri, text);
  const readable = new Set<string>();
  for (const [uri, text] of texts) if (uri.endsWith('.tf') && (await parses(text, uri))) readable.add(uri);
  let applied = 0;
  const broken: string[] = [];
  for (const uri of texts.keys()) {
    for (const d of ws.diagnostics(uri)) {
      for (const fix of codeFixes(ws, uri, d, DEFAULT_SETTINGS)) {
        const after = applyChange(texts, fix.change);
        for (const [u, text] of after) {
          if (!u.endsWith('.tf') || texts.get(u) === text || (texts.has(u) && !readable.has(u))) continue;
          applied++;
          await parseHcl(text, u).catch((e: Error) => broken.push(`"${fix.title}" for ${d.code} in ${u}: ${e.message.slice(0, 300)}\n${text}`));
        }
      }
    }
  }
  return { applied, broken };
}

describe('Terraform quick fixes give files that HashiCorp\'s HCL parser reads', () => {
  before(async () => {
    await ensureTerraform();
  });

  it('for every fix of every Terraform fixture and fixture module', async () => {
    let applied = 0;
    const broken: string[] = [];
    const sources: Map<string, string>[] = [];
    for (const f of fixtureSources().filter((s) => s.name.endsWith('.hcl'))) {
      sources.push(new Map(parseFixture(f.text, f.defaultPath).map((x) => [`/fx/${f.name}/${x.path}`, x.text])));
    }
    for (const dir of readdirSync(MODULES)) {
      sources.push(new Map(readdirSync(path.join(MODULES, dir)).map((f) => [`/mod/${dir}/${f}`, readFileSync(path.join(MODULES, dir, f), 'utf8')])));
    }
    for (const texts of sources) {
      const r = await fixesThatBreak(texts);
      applied += r.applied;
      broken.push(...r.broken);
    }
    assert.deepEqual(broken, []);
    assert.ok(applied >= 20, `${applied} fixes applied to Terraform files`);
  });

  it('for every fix in a module whose names are built to break HCL', async () => {
    let applied = 0;
    const broken: string[] = [];
    for (const name of HOSTILE_NAMES) {
      const q = hclString(name);
      const text = `resource "octopusdeploy_user_role" "r" {
  name                       = ${q}
  granted_space_permissions  = ["ProjectView", "UserView", "ProjectVeiw", "DeploymentCreate"]
  granted_system_permissions = ["ProjectEdit", "TeamView"]
}

resource "octopusdeploy_team" "t" {
  name     = ${q}
  space_id = ${q}
  can_change_roles = true
  users    = [${q}]

  user_role {
    user_role_id    = octopusdeploy_user_role.r.id
    space_id        = ${hclString(`${name}-other`)}
    environment_ids = [${q}]
  }
}

resource "octopusdeploy_team" "s" {
  name = ${hclString(`${name} system`)}

  user_role {
    user_role_id = octopusdeploy_user_role.r.id
    tenant_ids   = [${q}]
  }

  user_role {
    user_role_id = "userroles-projectveiwer"
    space_id     = ${q}
  }
}

resource "octopusdeploy_scoped_user_role" "x" {
  team_id         = octopusdeploy_team.t.id
  user_role_id    = octopusdeploy_user_role.r.id
  space_id        = ${q}
  environment_ids = [${q}, ${hclString(`${name}\u{1F600}`)}]
  project_ids     = [${q}]
}
`;
      assert.ok(await parses(text, 'main.tf'), `the module itself parses for ${JSON.stringify(name)}`);
      const r = await fixesThatBreak(new Map([['/hostile/main.tf', text]]));
      applied += r.applied;
      broken.push(...r.broken);
    }
    assert.deepEqual(broken, []);
    assert.ok(applied >= HOSTILE_NAMES.length * 4, `${applied} fixes applied`);
  });
});

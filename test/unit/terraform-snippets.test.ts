/**
 * The Terraform snippets (snippets/terraform.json, for HashiCorp's `terraform` language): each, with its
 * defaults accepted, is HCL that HashiCorp's parser reads, already in `terraform fmt`'s layout, clean for
 * the checker, and read by it as the resource it is named for.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { format } from '@cdktf/hcl-tools';
import { parse } from '@cdktf/hcl2json';
import { runCli } from '../../server/src/cli';
import { expandSnippet } from '../support/snippets';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const snippets = JSON.parse(readFileSync(path.join(ROOT, 'snippets', 'terraform.json'), 'utf8')) as Record<string, { prefix: string; body: string[]; description: string }>;
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

async function cli(dir: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: dir });
  return { code, stdout };
}

describe('the Terraform snippets', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-snippets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are contributed for the terraform language and cover the three resources of an access model', () => {
    assert.ok((pkg.contributes.snippets as { language: string; path: string }[]).some((s) => s.language === 'terraform' && s.path === './snippets/terraform.json'));
    assert.deepEqual(Object.values(snippets).map((s) => s.prefix).sort(), ['octopusdeploy_scoped_user_role', 'octopusdeploy_team', 'octopusdeploy_user_role']);
  });

  for (const [name, snippet] of Object.entries(snippets)) {
    it(`${name}: parses as HCL, is terraform fmt-clean and checks clean`, async () => {
      const text = expandSnippet(snippet.body);
      const json = (await parse('main.tf', text)) as { resource: Record<string, unknown> };
      assert.deepEqual(Object.keys(json.resource), [snippet.prefix]);
      assert.equal(await format(text), text);
      writeFileSync(path.join(dir, 'main.tf'), `variable "space_id" {\n  type = string\n}\n\n${text}`);
      const run = await cli(dir, 'check', '--format', 'json');
      assert.equal(run.code, 0);
      // Notes may stand (a built-in role's implicit grants); nothing to fix.
      assert.deepEqual((JSON.parse(run.stdout) as { severity: string; code: string }[]).filter((f) => f.severity === 'error' || f.severity === 'warning'), []);
    });
  }

  it('are read as the resources they are named for', async () => {
    const [role, team, scoped] = ['octopusdeploy_user_role', 'octopusdeploy_team', 'octopusdeploy_scoped_user_role'].map((p) => expandSnippet(Object.values(snippets).find((s) => s.prefix === p)!.body));
    // A system permission in the role's space list: the reader sees granted_space_permissions.
    writeFileSync(path.join(dir, 'role.tf'), role.replace('"ProjectView"', '"UserView"'));
    const checked = JSON.parse((await cli(dir, 'check', '--format', 'json')).stdout) as { code: string }[];
    assert.deepEqual(checked.map((f) => f.code), ['wrong-level']);
    rmSync(path.join(dir, 'role.tf'));
    // The space placeholder filled with a literal id, as a user would: a computed space grants nothing known.
    writeFileSync(path.join(dir, 'main.tf'), `${team}\n${scoped}`.replace(/var\.space_id/g, '"Spaces-1"'));
    const holders = JSON.parse((await cli(dir, 'who-can', 'ProjectView', '--format', 'json')).stdout) as { principals: { kind: string; name: string }[] };
    const names = holders.principals.map((p) => `${p.kind} ${p.name}`);
    assert.ok(names.includes('team Deployers'), names.join(', '));
    assert.ok(names.includes('team Everyone'), names.join(', '));
  });
});

/**
 * `diff` and `diff --live` report the access policies whose result changes (SPEC section 11): JSON
 * `"policies": [{ name, before, after }]`, first in the text and in the markdown comment, and exit status 1
 * when HEAD breaks a policy that BASE held. A server's dump is held to the workspace's policies.
 */
import * as assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { dumpFiles } from '../support/dump';
import { check, tree } from '../support/folders';

const ROLE = 'name: Deployer\nspacePermissions: [DeploymentCreate]\n';
const SPACE = 'name: Finance\nenvironments: [Test, Production]\n';
const ops = (env: string) => `name: Ops\nspace: Finance\nmembers: [bob]\nroles:\n  - role: Deployer\n    environments: [${env}]\n`;
const policy = (name: string) =>
  `policies:\n  - name: ${JSON.stringify(name)}\n    permission: DeploymentCreate\n    space: Finance\n    environment: Production\n    only: ["team:Finance/Space Managers"]\n`;

/** BASE and HEAD folders of one workspace each, differing in Ops's environments. */
function sides(baseEnv: string, headEnv: string, name = 'Only space managers deploy to production'): string {
  const side = (env: string) => ({ 'deployer.role.yaml': ROLE, 'finance.space.yaml': SPACE, 'ops.team.yaml': ops(env), 'access.policy.yaml': policy(name) });
  const files: Record<string, string> = { '.git/': '' };
  for (const [label, env] of [['base', baseEnv], ['head', headEnv]]) for (const [file, text] of Object.entries(side(env))) files[`${label}/${file}`] = text;
  return tree(files);
}

describe('octopus-roles diff: access policies', () => {
  it('lists a policy that HEAD breaks and BASE held, and exits 1', async () => {
    const dir = sides('Test', 'Production');
    const r = await check(['diff', 'base', 'head', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).policies, [{ name: 'Only space managers deploy to production', before: 'holds', after: 'breached' }]);
    const text = await check(['diff', 'base', 'head'], dir);
    assert.equal(text.code, 1);
    assert.ok(text.stdout.startsWith('Policies whose result changes:\n  Only space managers deploy to production: holds -> breached\n'), text.stdout);
  });

  it('puts the policies first in the markdown comment', async () => {
    const r = await check(['diff', 'base', 'head', '--format', 'markdown'], sides('Test', 'Production'));
    assert.ok(r.stdout.startsWith('### Octopus access policies\n'), r.stdout);
    assert.ok(r.stdout.includes('| ❌ | Only space managers deploy to production | holds | **breached** |'), r.stdout);
    assert.ok(r.stdout.indexOf('### Octopus access:') > r.stdout.indexOf('Only space managers'), r.stdout);
  });

  it('says nothing of policies whose result is unchanged, and leaves the exit status to access', async () => {
    const r = await check(['diff', 'base', 'head', '--format', 'json'], sides('Test', 'Test'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).policies, []);
    const fixed = await check(['diff', 'base', 'head', '--format', 'json'], sides('Production', 'Test'));
    assert.deepEqual(JSON.parse(fixed.stdout).policies, [{ name: 'Only space managers deploy to production', before: 'breached', after: 'holds' }]);
  });

  it('escapes a hostile policy name in markdown and on the terminal', async () => {
    const name = '<img src=x onerror=alert(1)> | **x** \u001b[31mred';
    const md = await check(['diff', 'base', 'head', '--format', 'markdown'], sides('Test', 'Production', name));
    const row = md.stdout.split('\n').find((l) => l.startsWith('| ❌'))!;
    assert.ok(!/(^|[^\\])<img/.test(row) && !row.includes('\u001b') && row.split(/(?<!\\)\|/).length === 6, row);
    const text = await check(['diff', 'base', 'head'], sides('Test', 'Production', name));
    assert.ok(!text.stdout.includes('\u001b'), text.stdout);
  });

  it('README\'s worked example: a pull request letting Finance Developers deploy to production breaks an acme policy', async () => {
    const dir = tree({ '.git/': '' });
    const acme = path.resolve(__dirname, '../../../examples/acme');
    cpSync(acme, path.join(dir, 'base'), { recursive: true });
    cpSync(acme, path.join(dir, 'head'), { recursive: true });
    const file = path.join(dir, 'head/teams/finance.team.yaml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, before.replace('environments: [Development, Test]\n  - role: Variable Editor', 'environments: [Development, Test, Production]\n  - role: Variable Editor'));
    assert.equal((await check(['check', 'base'], dir)).code, 0);
    const checked = await check(['check', 'head'], dir);
    assert.equal(checked.code, 1);
    assert.match(checked.stdout, /access\.policy\.yaml:4:11: error policy-breach: Policy `Only release managers deploy to Finance production` does not hold: team `Finance\/Finance Developers`, user `alice`, user `bob`, user `carol` hold `DeploymentCreate`/);
    const md = await check(['diff', 'base', 'head', '--format', 'markdown'], dir);
    assert.equal(md.code, 1, md.stderr);
    assert.ok(md.stdout.startsWith('### Octopus access policies\n\n**1** policy is breached by this change.\n'), md.stdout);
    assert.ok(md.stdout.includes('| ❌ | Only release managers deploy to Finance production | holds | **breached** |'), md.stdout);
  });

  it('check escapes a hostile policy name and principal on the terminal, and reports them as diagnostics', async () => {
    const name = 'evil \u001b]8;;http://x\u0007link\u001b[2J';
    const dir = tree({
      'deployer.role.yaml': ROLE,
      'finance.space.yaml': SPACE,
      'ops.team.yaml': ops('Production'),
      'access.policy.yaml': `policies:\n  - name: ${JSON.stringify(name)}\n    permission: DeploymentCreate\n    space: Finance\n    only: [${JSON.stringify('user:\u001b[31mmallory')}, 7, {a: 1}]\n`,
    });
    const r = await check(['check', '.'], dir);
    assert.equal(r.code, 1);
    assert.ok(!r.stdout.includes('\u001b') && !r.stdout.includes('\u0007'), r.stdout);
    for (const code of ['policy-breach', 'unknown-principal', 'invalid-value']) assert.ok(r.stdout.includes(code), `${code}: ${r.stdout}`);
  });

  it('diff --live holds the server to the workspace\'s policies', async () => {
    const dir = tree(Object.fromEntries(Object.entries(dumpFiles()).map(([k, v]) => [`dump/${k}`, v])));
    assert.equal((await check(['import', '--from', 'dump', '--out', 'model'], dir)).code, 0);
    writeFileSync(path.join(dir, 'model/access.policy.yaml'), 'policies:\n  - name: Finance deployers deploy to test\n    permission: DeploymentCreate\n    space: Finance\n    environment: Test\n    includes: [team:Finance Deployers]\n');
    const file = path.join(dir, 'model/teams/finance/finance-deployers.team.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('environments: [Production]', 'environments: [Production, Test]'));
    const r = await check(['diff', '--live', 'dump', 'model', '--format', 'json'], dir);
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).policies, [{ name: 'Finance deployers deploy to test', before: 'breached', after: 'holds' }]);
  });
});

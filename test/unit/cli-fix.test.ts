import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';

async function check(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

const ROLE = 'name: Deployer\r\nspacePermissions:\r\n  - DeploymentCreate\r\n  - ProjectView\r\n  - UserView # wrong list\r\n  - TaskViewLog\r\n  - ProjectView\r\n';
const TEAM = 'name: Finance\nspace: Finance\nroles:\n  - role: Deployer\n    environments: [Test]\n  - Deployer\n  - Deployer\n  - Projct Viewer\n';

describe('octopus-roles check --fix', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-fix-'));
    mkdirSync(path.join(dir, 'roles'));
    writeFileSync(path.join(dir, 'roles', 'deployer.role.yaml'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ROLE)]));
    writeFileSync(path.join(dir, 'finance.team.yaml'), TEAM);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies the safe fixes, keeps line endings and the byte-order mark, and reports what changed and what is left', async () => {
    const run = await check(['check', '--fix'], dir);
    const role = readFileSync(path.join(dir, 'roles', 'deployer.role.yaml'));
    assert.deepEqual([...role.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the byte-order mark stays');
    // Only the duplicate goes. Moving UserView to systemPermissions would grant it server-wide to the
    // team's members (the role is applied in a space), and TaskView in place of the retired name would
    // grant TaskView in Finance: both are left for the user to choose (SPEC section 7, issue 24).
    assert.equal(
      role.subarray(3).toString(),
      'name: Deployer\r\nspacePermissions:\r\n  - DeploymentCreate\r\n  - ProjectView\r\n  - UserView # wrong list\r\n  - TaskViewLog\r\n',
    );
    assert.equal(readFileSync(path.join(dir, 'finance.team.yaml'), 'utf8'), 'name: Finance\nspace: Finance\nroles:\n  - role: Deployer\n    environments: [Test]\n  - Deployer\n  - Projct Viewer\n');
    assert.match(run.stdout, /^finance\.team\.yaml: fixed 1 problem\n {2}Remove the duplicate assignment of 'Deployer'\n {2}access: unchanged\n/m);
    assert.match(run.stdout, /^roles\/deployer\.role\.yaml: fixed 1 problem\n {2}Remove the duplicate 'ProjectView'\n {2}access: unchanged\n/m);
    assert.match(run.stdout, /^roles\/deployer\.role\.yaml: left 2 fixes for you to choose in the editor, since they grant access:\n/m);
    assert.match(run.stdout, /^ {2}Move 'UserView' to 'systemPermissions' \(grants UserView server-wide to team Finance\/Finance\)\n/m);
    assert.match(run.stdout, /^ {2}Change to 'TaskView' \(grants TaskView in Finance to team Finance\/Finance\)\n/m);
    // A guess is never applied: the misspelt role is still reported, and it is an error.
    assert.match(run.stdout, /finance\.team\.yaml:7:5: error unknown-role/);
    assert.equal(run.code, 1);
    assert.deepEqual(readdirSync(dir).sort(), ['finance.team.yaml', 'roles'], 'no temporary file is left behind');
  });

  it('is idempotent: a second run changes nothing', async () => {
    await check(['check', '--fix'], dir);
    const before = readFileSync(path.join(dir, 'finance.team.yaml'), 'utf8');
    const run = await check(['check', '--fix', '--format', 'json'], dir);
    assert.equal(readFileSync(path.join(dir, 'finance.team.yaml'), 'utf8'), before);
    assert.doesNotMatch(run.stderr, /fixed/);
    assert.deepEqual(JSON.parse(run.stdout).map((f: { code: string }) => f.code), ['unknown-role', 'wrong-level', 'retired-permission']);
  });

  it('keeps JSON on stdout and the report of changes on stderr', async () => {
    const run = await check(['check', '--fix', '--format', 'json'], dir);
    assert.ok(Array.isArray(JSON.parse(run.stdout)));
    assert.match(run.stderr, /deployer\.role\.yaml: fixed 1 problem/);
    assert.match(run.stderr, /left 2 fixes/);
  });

  it('changes nothing without --fix, and refuses a value for it', async () => {
    await check(['check'], dir);
    assert.equal(readFileSync(path.join(dir, 'finance.team.yaml'), 'utf8'), TEAM);
    const bad = await check(['check', '--fix=yes'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fix takes no value/);
  });
});

/**
 * No fix grants access the user did not choose (issue 24): a fix is safe (fix-all, `check --fix`,
 * fix-on-save) only when nobody gains anything by it, and a fix that grants is offered in the editor only,
 * titled with what it grants. The oracle is `octopus-roles diff` between the folder before and after a fix,
 * which computes every principal's access from scratch on both sides.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';
import { ensureTerraform } from '../../server/src/node/terraform';
import { codeFixes, DEFAULT_SETTINGS, finalDiagnostics, fixAll, Workspace, type CodeFix } from '../../server/src/service';
import { applyChange } from '../support/fixcheck';
import { FIXTURES, fixtureSources, parseFixture, workspaceOf } from '../support/fixture';

async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}

/** Writes the files under `dir`, a Terraform fixture's in a folder of its own (a module below the root). */
function writeTree(dir: string, texts: ReadonlyMap<string, string>, tf = false): void {
  for (const [file, text] of texts) {
    const target = path.join(dir, tf ? 'module' : '', file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}

interface Gain {
  principal: { kind: string; name: string };
  gains: { permission: string; scope: string; space?: string }[];
}

/** The principals that gain access from folder `before` to folder `after`, as `diff --format json` says. */
async function gainsBetween(before: string, after: string): Promise<Gain[]> {
  const run = await cli(['diff', before, after, '--format', 'json'], path.dirname(before));
  assert.ok(run.code !== 2, run.stderr);
  const access = (JSON.parse(run.stdout) as { access: Gain[] }).access;
  return access.filter((a) => a.gains.length > 0);
}

function workspace(files: Record<string, string>): Workspace {
  const ws = new Workspace();
  for (const [uri, text] of Object.entries(files)) ws.setFile(uri, text);
  return ws;
}

const fixesFor = (ws: Workspace, uri: string, code: string): CodeFix[] =>
  finalDiagnostics(ws, uri, DEFAULT_SETTINGS)
    .filter((d) => d.code === code)
    .flatMap((d) => codeFixes(ws, uri, d, DEFAULT_SETTINGS))
    .filter((f) => !f.title.startsWith('Suppress'));

describe('fixes never grant access unasked', () => {
  let dir: string;
  before(() => ensureTerraform());
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-fix-access-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves a system team\'s refused System Manager-with-a-space alone in --fix, and says what removing the space grants', async () => {
    const team = 'name: Release Managers\nmembers: [alice]\nroles:\n  - role: System Manager\n    space: Finance\n';
    writeFileSync(path.join(dir, 'release.team.yaml'), team);
    writeFileSync(path.join(dir, 'finance.space.yaml'), 'name: Finance\n');
    const run = await cli(['check', '--fix'], dir);
    assert.equal(readFileSync(path.join(dir, 'release.team.yaml'), 'utf8'), team, '--fix must not remove the space');
    assert.match(run.stdout, /left 1 fix for you to choose in the editor, since it grants access:\n {2}Remove 'space' from this assignment \(grants System Manager server-wide to team Release Managers\)/);
    const ws = workspace({ 'release.team.yaml': team, 'finance.space.yaml': 'name: Finance\n' });
    const fixes = fixesFor(ws, 'release.team.yaml', 'space-not-allowed');
    assert.deepEqual(
      fixes.map((f) => [f.title, f.safe]),
      [["Remove 'space' from this assignment (grants System Manager server-wide to team Release Managers)", false]],
    );
    assert.equal(fixAll(ws, 'release.team.yaml', DEFAULT_SETTINGS), undefined, 'fix-all (and so fix-on-save) applies nothing');
  });

  it('does the same in Terraform, for a scoped user role with a space_id', async () => {
    const tf = [
      'resource "octopusdeploy_team" "release" {',
      '  name  = "Release Managers"',
      '  users = ["Users-1"]',
      '  user_role {',
      '    user_role_id = "userroles-systemmanager"',
      '    space_id     = "Spaces-1"',
      '  }',
      '}',
      '',
    ].join('\n');
    mkdirSync(path.join(dir, 'tf'));
    writeFileSync(path.join(dir, 'tf', 'main.tf'), tf);
    const run = await cli(['check', '--fix'], dir);
    assert.equal(readFileSync(path.join(dir, 'tf', 'main.tf'), 'utf8'), tf, '--fix must not remove space_id');
    assert.match(run.stdout, /Remove 'space_id' from this assignment \(grants System Manager server-wide to team Release Managers\)/);
  });

  it('moves a system permission out of spacePermissions only when no team then gains it', async () => {
    const role = 'name: Auditor\nspacePermissions:\n  - EventView\n  - UserView\n';
    const used = { 'auditor.role.yaml': role, 'audit.team.yaml': 'name: Audit\nspace: Finance\nmembers: [bob]\nroles: [Auditor]\n', 'finance.space.yaml': 'name: Finance\n' };
    const ws = workspace(used);
    const [move] = fixesFor(ws, 'auditor.role.yaml', 'wrong-level');
    assert.equal(move.title, "Move 'UserView' to 'systemPermissions' (grants UserView server-wide to team Finance/Audit)");
    assert.equal(move.safe, false);
    assert.equal(fixAll(ws, 'auditor.role.yaml', DEFAULT_SETTINGS), undefined);
    // Unused, the role grants nobody anything either way: the move is safe and fix-all applies it.
    const unused = workspace({ 'auditor.role.yaml': role });
    const [safe] = fixesFor(unused, 'auditor.role.yaml', 'wrong-level');
    assert.equal(safe.title, "Move 'UserView' to 'systemPermissions'");
    assert.equal(safe.safe, true);
    assert.equal(fixAll(unused, 'auditor.role.yaml', DEFAULT_SETTINGS)?.text, 'name: Auditor\nspacePermissions:\n  - EventView\nsystemPermissions:\n  - UserView\n');
  });

  it('counts a user who already holds the right through another team as gaining nothing', () => {
    // bob holds UserView server-wide through the Viewers team already, so the move grants the team Audit
    // something but bob nothing: the title names the team only.
    const ws = workspace({
      'auditor.role.yaml': 'name: Auditor\nspacePermissions:\n  - EventView\n  - UserView\n',
      'audit.team.yaml': 'name: Audit\nspace: Finance\nmembers: [bob]\nroles: [Auditor]\n',
      'viewers.team.yaml': 'name: Viewers\nmembers: [bob]\nroles: [System Manager]\n',
      'finance.space.yaml': 'name: Finance\n',
    });
    const [move] = fixesFor(ws, 'auditor.role.yaml', 'wrong-level');
    assert.equal(move.title, "Move 'UserView' to 'systemPermissions' (grants UserView server-wide to team Finance/Audit)");
  });

  it('prints what the applied fixes did to access: unchanged, or who lost what', async () => {
    writeFileSync(path.join(dir, 'r.role.yaml'), 'name: R\nspacePermissions: [ProjectView, ProjectView]\n');
    writeFileSync(path.join(dir, 't.team.yaml'), 'name: T\nspace: Finance\nroles:\n  - R\n  - R\n');
    writeFileSync(path.join(dir, 'finance.space.yaml'), 'name: Finance\n');
    const run = await cli(['check', '--fix'], dir);
    assert.match(run.stdout, /^r\.role\.yaml: fixed 1 problem\n {2}Remove the duplicate 'ProjectView'\n {2}access: unchanged\n/m);
    assert.match(run.stdout, /^t\.team\.yaml: fixed 1 problem\n {2}Remove the duplicate assignment of 'R'\n {2}access: unchanged\n/m);
  });

  // The property: over every fixture of every rule (YAML and Terraform), each fix offered for each
  // finding is titled "grants ..." and unsafe exactly when `diff` finds that someone gains by it, and
  // `check --fix` on the fixture leaves every principal without gains.
  const fixtures = fixtureSources().map((f) => ({ file: path.join(FIXTURES, f.name), tf: f.terraform }));
  it(`classifies every fix of ${fixtures.length} fixtures by what diff says it grants, and --fix grants nothing`, async () => {
    let fixes = 0;
    let granting = 0;
    for (const { file, tf } of fixtures) {
      const files = parseFixture(readFileSync(file, 'utf8'), tf ? 'main.tf' : undefined);
      const texts = new Map(files.map((f) => [f.path, f.text]));
      const before = path.join(dir, `${path.basename(file)}-before`);
      writeTree(before, texts, tf);
      const { ws, settings } = workspaceOf(files);
      for (const f of files) {
        for (const d of finalDiagnostics(ws, f.path, settings)) {
          for (const fix of codeFixes(ws, f.path, d, settings)) {
            if (fix.title.startsWith('Suppress')) continue;
            const after = path.join(dir, `${path.basename(file)}-after-${fixes++}`);
            writeTree(after, applyChange(texts, fix.change), tf);
            const gains = await gainsBetween(before, after);
            const label = `${path.basename(file)}: ${fix.title}`;
            assert.equal(Boolean(fix.grants), gains.length > 0, `${label}: diff says ${JSON.stringify(gains)}`);
            assert.equal(/\(grants .+\)$/.test(fix.title), gains.length > 0, label);
            if (fix.safe) assert.equal(gains.length, 0, label);
            if (gains.length) granting++;
          }
        }
      }
      const fixed = path.join(dir, `${path.basename(file)}-fixed`);
      writeTree(fixed, texts, tf);
      await cli(['check', '--fix'], fixed);
      assert.deepEqual(await gainsBetween(before, fixed), [], `${path.basename(file)}: check --fix granted access`);
    }
    assert.ok(fixes > 50 && granting > 5, `the fixtures offer ${fixes} fixes, ${granting} of them granting`);
  });
});

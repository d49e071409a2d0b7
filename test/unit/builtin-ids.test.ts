import * as assert from 'node:assert/strict';
import { ensureTerraform } from '../../server/src/node/terraform';
import { applyEdits, codeFixes, DEFAULT_SETTINGS, fixAll, Workspace } from '../../server/src/service';

const scoped = (team: string, role: string) => `resource "octopusdeploy_scoped_user_role" "s" {\n  team_id      = "${team}"\n  user_role_id = "${role}"\n  space_id     = "Spaces-1"\n}\n`;

describe('unknown-builtin-id (literal built-in ids in Terraform)', () => {
  before(async () => {
    await ensureTerraform();
  });

  const diagnostics = (text: string) => {
    const ws = new Workspace();
    ws.setFile('/m/main.tf', text);
    return { ws, found: ws.diagnostics('/m/main.tf').filter((d) => d.code === 'unknown-builtin-id') };
  };

  it('replaces a misspelt role id with the nearest, which then grants what the role holds', () => {
    const text = scoped('teams-everyone', 'userroles-projectveiwer');
    const { ws, found } = diagnostics(text);
    assert.equal(found.length, 1);
    assert.equal(text.slice(found[0].span.start, found[0].span.end), '"userroles-projectveiwer"');
    const fixes = codeFixes(ws, '/m/main.tf', found[0], DEFAULT_SETTINGS);
    assert.match(fixes[0]?.title ?? '', /^Change to 'userroles-projectviewer' \(grants Project Viewer in Spaces-1/);
    const after = applyEdits(text, fixes[0].change.edits.get('/m/main.tf') ?? []);
    assert.equal(after, scoped('teams-everyone', 'userroles-projectviewer'));
    assert.deepEqual(diagnostics(after).found, []);
  });

  it('suggests the Space Managers team of the space the id ends with, and the system teams', () => {
    const { ws, found } = diagnostics(scoped('teams-spacemanager-Spaces-1', 'userroles-projectviewer'));
    assert.deepEqual(found[0].data?.candidates, ['teams-spacemanagers-Spaces-1']);
    assert.match(codeFixes(ws, '/m/main.tf', found[0], DEFAULT_SETTINGS)[0]?.title ?? '', /^Change to 'teams-spacemanagers-Spaces-1'/);
    assert.deepEqual(diagnostics(scoped('teams-everyon', 'userroles-projectviewer')).found[0].data?.candidates, ['teams-everyone']);
    assert.deepEqual(diagnostics(scoped('Teams-Managers', 'userroles-projectviewer')).found, [], 'ids compare without case');
  });

  it('leaves ids the server numbers, built-in ids in any case, and computed values alone', () => {
    const valid = [
      ['Teams-12', 'UserRoles-3'],
      ['teams-spacemanagers-Spaces-99', 'USERROLES-SYSTEMMANAGER'],
      ['teams-administrators', 'userroles-buildserver'],
    ].map(([team, role], i) => scoped(team, role).replace('"s"', `"s${i}"`));
    const computed = 'resource "octopusdeploy_scoped_user_role" "c" {\n  team_id      = var.team\n  user_role_id = "userroles-${var.role}"\n}\n';
    const text = [...valid, computed, scoped('teams-everyone', 'userroles-sytemmanager')].join('\n');
    assert.deepEqual(diagnostics(text).found.map((d) => text.slice(d.span.start, d.span.end)), ['"userroles-sytemmanager"']);
  });

  it('is not applied by fix-all: a guessed role would widen access', () => {
    const text = scoped('teams-everyone', 'userroles-projectveiwer');
    const ws = new Workspace();
    ws.setFile('/m/main.tf', text);
    assert.ok(codeFixes(ws, '/m/main.tf', diagnostics(text).found[0], DEFAULT_SETTINGS).length > 1);
    assert.equal(fixAll(ws, '/m/main.tf', DEFAULT_SETTINGS)?.text ?? text, text);
  });
});

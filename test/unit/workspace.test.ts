import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, finalDiagnostics, Workspace, type Diagnostic } from '../../server/src/service';

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code);

const ROLE = 'name: Deployer\nspacePermissions: [DeploymentCreate]\n';
const SYSTEM_ROLE = 'name: Deployer\nsystemPermissions: [UserView]\n';
const TEAM = 'name: Finance\nspace: Finance\nroles: [Deployer]\n';

function fresh(files: Record<string, string>): Workspace {
  const ws = new Workspace();
  for (const [uri, text] of Object.entries(files)) ws.setFile(uri, text);
  return ws;
}

describe('the workspace model', () => {
  it('ignores files that are not role, team or space files', () => {
    const ws = new Workspace();
    assert.deepEqual([...ws.setFile('notes.yaml', 'a: 1')], []);
    assert.equal(ws.size, 0);
  });

  it('re-checks the teams that use a role when the role changes, and only them', () => {
    const ws = fresh({ 'r.role.yaml': ROLE, 't.team.yaml': TEAM, 'other.team.yaml': 'name: X\nroles: [System Manager]\n' });
    assert.deepEqual(codes(ws.diagnostics('t.team.yaml')), []);
    const affected = ws.setFile('r.role.yaml', SYSTEM_ROLE);
    assert.deepEqual([...affected].sort(), ['r.role.yaml', 't.team.yaml']);
    assert.deepEqual(codes(ws.diagnostics('t.team.yaml')), ['system-role-in-space-team']);
  });

  it('reports an unknown role when its file is removed, and knows it again when it comes back', () => {
    const ws = fresh({ 'r.role.yaml': ROLE, 't.team.yaml': TEAM });
    assert.deepEqual([...ws.removeFile('r.role.yaml')], ['t.team.yaml']);
    assert.deepEqual(codes(ws.diagnostics('t.team.yaml')), ['unknown-role']);
    assert.deepEqual(ws.diagnostics('r.role.yaml'), []);
    ws.setFile('r.role.yaml', ROLE);
    assert.deepEqual(codes(ws.diagnostics('t.team.yaml')), []);
  });

  it('turns space checks on for every team when the first space is declared', () => {
    const ws = fresh({ 'r.role.yaml': ROLE, 't.team.yaml': TEAM });
    const affected = ws.setFile('s.space.yaml', 'name: Platform\n');
    assert.ok(affected.has('t.team.yaml'));
    const [d] = ws.diagnostics('t.team.yaml');
    assert.equal(d.code, 'unknown-space');
    assert.deepEqual(d.data?.candidates, []);
    ws.setFile('s.space.yaml', 'name: Finance\n');
    assert.deepEqual(codes(ws.diagnostics('t.team.yaml')), []);
  });

  it('refreshes did-you-mean suggestions when a role appears elsewhere', () => {
    const ws = fresh({ 't.team.yaml': 'name: T\nspace: S\nroles: [Deployr]\n' });
    assert.deepEqual(ws.diagnostics('t.team.yaml')[0].data?.candidates, []);
    ws.setFile('r.role.yaml', ROLE);
    assert.deepEqual(ws.diagnostics('t.team.yaml')[0].data?.candidates, ['Deployer']);
  });

  it("updates the spaces a space-required fix offers when a space is removed elsewhere", () => {
    const ws = fresh({ 's.space.yaml': 'name: Finance\n', 'p.space.yaml': 'name: Platform\n', 't.team.yaml': 'name: T\nroles: [Build Server]\n' });
    assert.deepEqual(ws.diagnostics('t.team.yaml')[0].data?.spaces, ['Finance', 'Platform']);
    ws.removeFile('s.space.yaml');
    assert.deepEqual(ws.diagnostics('t.team.yaml')[0].data?.spaces, ['Platform']);
  });

  it('points duplicate names at each other across files', () => {
    const ws = fresh({ 'a.role.yaml': ROLE, 'b.role.yaml': ROLE });
    const [a] = ws.diagnostics('a.role.yaml');
    assert.equal(a.code, 'duplicate-name');
    assert.deepEqual(a.related?.map((r) => r.uri), ['b.role.yaml']);
    ws.removeFile('b.role.yaml');
    assert.deepEqual(ws.diagnostics('a.role.yaml'), []);
  });

  it('keeps what quick fixes need in data', () => {
    const ws = fresh({
      's.space.yaml': 'name: Finance\n---\nname: Platform\n',
      'r.role.yaml': 'name: Deployer\nspacePermissions: [UserView, ProjectVeiw]\n',
      't.team.yaml': 'name: T\nroles:\n  - role: Deployer\n    space: Platform\n  - Deployer\n',
    });
    const role = ws.diagnostics('r.role.yaml');
    assert.deepEqual(role.map((d) => [d.code, d.data]), [
      ['wrong-level', { targetList: 'systemPermissions' }],
      ['unknown-permission', { candidates: ['ProjectView'] }],
    ]);
    const [required] = ws.diagnostics('t.team.yaml').filter((d) => d.code === 'space-required');
    assert.deepEqual(required.data?.spaces, ['Platform', 'Finance']);
  });

  it('gives the same diagnostics after any sequence of edits as a fresh analysis', () => {
    const states: Record<string, string>[] = [
      { 'r.role.yaml': ROLE, 't.team.yaml': TEAM },
      { 'r.role.yaml': SYSTEM_ROLE, 't.team.yaml': TEAM, 's.space.yaml': 'name: Finance\n' },
      { 'r.role.yaml': 'name: deployer\nspacePermissions: [ProjectView]\n', 't.team.yaml': TEAM, 's.space.yaml': 'name: Fin\n' },
      { 'q.role.yaml': ROLE, 't.team.yaml': TEAM + '---\nname: Finance\nspace: Finance\nroles: [Deployer]\n' },
      { 'q.role.yaml': ROLE + '---\n' + ROLE, 't.team.yaml': 'name: T\nroles:\n  - role: Deployer\n    space: Nowhere\n' },
      {},
    ];
    const ws = new Workspace();
    let current: Record<string, string> = {};
    for (const next of states) {
      for (const uri of Object.keys(current)) if (!(uri in next)) ws.removeFile(uri);
      for (const [uri, text] of Object.entries(next)) ws.setFile(uri, text);
      current = next;
      const reference = fresh(next);
      for (const uri of Object.keys(next)) {
        assert.deepEqual(ws.diagnostics(uri), reference.diagnostics(uri), `${uri} after ${JSON.stringify(next)}`);
      }
    }
  });

  it('applies severities and drops rules set to off', () => {
    const ws = fresh({ 'r.role.yaml': 'name: Empty\n' });
    assert.deepEqual(finalDiagnostics(ws, 'r.role.yaml', DEFAULT_SETTINGS).map((d) => d.severity), ['warning']);
    assert.deepEqual(finalDiagnostics(ws, 'r.role.yaml', { ...DEFAULT_SETTINGS, rules: { 'empty-role': 'error' } }).map((d) => d.severity), ['error']);
    assert.deepEqual(finalDiagnostics(ws, 'r.role.yaml', { ...DEFAULT_SETTINGS, rules: { 'empty-role': 'off' } }), []);
  });

  it('reads JSON, which is YAML, and several documents per file', () => {
    const ws = fresh({ 'r.role.yaml': '{"name": "Json", "spacePermissions": ["ProjectView", "UserView"]}\n---\n{"name": "Two"}\n' });
    assert.deepEqual(codes(ws.diagnostics('r.role.yaml')), ['wrong-level', 'empty-role']);
  });
});

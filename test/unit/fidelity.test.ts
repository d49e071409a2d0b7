/**
 * What the real Octopus server does, where a simpler reading of the files would differ: built-in roles
 * edited on a server, space managers, Platform Hub, trimmed team names, and where an assignment applies.
 * Expected results follow SPEC sections 1, 3 and 4 and the Octopus sources they cite.
 */
import * as assert from 'node:assert/strict';
import { accessOf, applyEdits, codeFixes, DEFAULT_SETTINGS, finalDiagnostics, place, teamsOf, Workspace, type Diagnostic, type TeamDoc } from '../../server/src/service';
import { checkCompletion, hoverAt } from '../support/features';

const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code).sort();

function fresh(files: Record<string, string>): Workspace {
  const ws = new Workspace();
  for (const [uri, text] of Object.entries(files)) ws.setFile(uri, text);
  return ws;
}

describe("a server's own version of a built-in role (builtIn: true)", () => {
  const VIEWER = 'name: Project Viewer\nbuiltIn: true\nspacePermissions: [ProjectView, EnvironmentView]\n';

  it('replaces the defaults for the rules: a Project Viewer without system permissions grants nothing server-wide', () => {
    const team = 'name: F\nspace: Finance\nroles: [Project Viewer]\n';
    assert.deepEqual(codes(fresh({ 't.team.yaml': team }).diagnostics('t.team.yaml')), ['implicit-system-grant']);
    assert.deepEqual(codes(fresh({ 't.team.yaml': team, 'v.role.yaml': VIEWER }).diagnostics('t.team.yaml')), []);
  });

  it('makes a built-in role system-only when the server edited it so, and Octopus then refuses it in a space team', () => {
    const ws = fresh({ 't.team.yaml': 'name: F\nspace: Finance\nroles: [Project Viewer]\n', 'v.role.yaml': 'name: Project Viewer\nbuiltIn: true\nsystemPermissions: [TeamView]\n' });
    assert.deepEqual(codes(ws.diagnostics('t.team.yaml')), ['system-role-in-space-team']);
    // Deleting the version brings the defaults back, and the team file is re-checked.
    assert.ok(ws.removeFile('v.role.yaml').has('t.team.yaml'));
    assert.deepEqual(codes(ws.diagnostics('t.team.yaml')), ['implicit-system-grant']);
  });

  it('is not a custom role: no shadows-builtin, and not offered twice by completion', () => {
    const ws = fresh({ 'v.role.yaml': VIEWER });
    assert.deepEqual(codes(ws.diagnostics('v.role.yaml')), []);
    assert.deepEqual(ws.customRoleNames(), []);
  });

  it('never counts for System Administrator, which no server lets anyone edit', () => {
    const ws = fresh({ 's.role.yaml': 'name: System Administrator\nbuiltIn: true\nsystemPermissions: [AdministerSystem]\n' });
    assert.deepEqual(codes(ws.diagnostics('s.role.yaml')), ['builtin-role']);
    assert.ok(ws.resolveRole('System Administrator')!.systemPermissions.length > 20);
  });

  it('shows in the hover whether the permissions are the defaults or the workspace\'s, and what differs', () => {
    const defaults = hoverAt('#= t.team.yaml\nname: T\nspace: S\nroles: [Project Vie$0wer]\n')!.markdown;
    assert.match(defaults, /the defaults of a current Octopus install/);
    const edited = hoverAt(`#= v.role.yaml\n${VIEWER}#= t.team.yaml\nname: T\nspace: S\nroles: [Project Vie$0wer]\n`)!.markdown;
    assert.match(edited, /this workspace's version/);
    assert.match(edited, /Less than a current install: .*`TeamView`/);
  });
});

describe('Platform Hub permissions (only system teams can be given them)', () => {
  it('are left out of what a role applied in a space grants server-wide, in the hover too', () => {
    const h = hoverAt('#= t.team.yaml\nname: Rea$0ders\nspace: Finance\nroles: [Read Only]\n')!.markdown;
    assert.match(h, /Server-wide \(\d+\): /);
    assert.doesNotMatch(h, /PlatformHubView/);
    assert.match(hoverAt('#= t.team.yaml\nname: T\nspace: F\nroles: [Read On$0ly]\n')!.markdown, /does not grant `PlatformHubView`/);
  });

  it('are granted by a system-only role in a system team, with no finding', () => {
    const ws = fresh({ 'h.role.yaml': 'name: Hub\nsystemPermissions: [PlatformHubView]\n', 't.team.yaml': 'name: Platform\nroles: [Hub]\n' });
    assert.deepEqual(codes(ws.diagnostics('t.team.yaml')), []);
  });
});

describe('built-in teams', () => {
  it('offers safe fixes that remove what Octopus does not let the team have', () => {
    const text = 'name: Everyone\nmembers: [alice]\nroles:\n  - role: Deployment Creator\n    space: Finance\n---\nname: Octopus Administrators\nroles:\n  - System Administrator\n  - System Manager\n';
    const ws = fresh({ 's.team.yaml': text });
    const found = finalDiagnostics(ws, 's.team.yaml', DEFAULT_SETTINGS).filter((d) => d.code === 'builtin-team');
    assert.equal(found.length, 2);
    const fixes = found.map((d) => codeFixes(ws, 's.team.yaml', d, DEFAULT_SETTINGS)[0]);
    assert.deepEqual(fixes.map((f) => [f.title, f.safe]), [
      ["Remove 'members' from 'Everyone' (it always holds every user)", true],
      ["Remove 'System Manager' from 'Octopus Administrators'", true],
    ]);
  });

  it('compares team names as Octopus does: trimmed and without case', () => {
    const ws = fresh({ 't.team.yaml': 'name: " everyone "\nexternalGroups: [g]\nroles: []\n---\nname: "Ops "\nroles: []\n---\nname: ops\nroles: []\n' });
    assert.deepEqual(codes(ws.diagnostics('t.team.yaml')), ['builtin-team', 'duplicate-name', 'duplicate-name']);
  });
});

describe("a space's managers", () => {
  it('checks managers.teams again when a team of that name appears', () => {
    const ws = fresh({ 'f.space.yaml': 'name: Finance\nmanagers:\n  teams: [Leads]\n' });
    assert.deepEqual(codes(ws.diagnostics('f.space.yaml')), ['unknown-team']);
    assert.ok(ws.setFile('t.team.yaml', 'name: Leads\nspace: Finance\nroles: [Deployment Creator]\n').has('f.space.yaml'));
    assert.deepEqual(codes(ws.diagnostics('f.space.yaml')), []);
  });

  it('completes user names and team names', () => {
    const src = `#= t.team.yaml
name: Leads
space: Finance
members: [carol, dave]
roles: [Deployment Creator]
---
name: Elsewhere
space: Retail
roles: [Deployment Creator]
#= f.space.yaml
name: Finance
managers:
  members: [carol, $0]
`;
    checkCompletion(src, { includes: ['dave'], excludes: ['carol'] });
    checkCompletion(src.replace('members: [carol, $0]', 'teams: [$0]'), { exactly: ['Everyone', 'Leads', 'Octopus Administrators', 'Octopus Managers'] });
  });
});

describe('where an assignment applies (place)', () => {
  const ws = fresh({
    'f.space.yaml': 'name: Finance\n',
    'r.role.yaml': 'name: Sys\nsystemPermissions: [UserView]\n',
  });
  const team = (text: string): TeamDoc => {
    ws.setFile('t.team.yaml', text);
    return ws.model('t.team.yaml')!.docs[0] as TeamDoc;
  };

  it('applies a space role in the space team\'s space, and a system-only role at the system level', () => {
    const t = team('name: T\nspace: Finance\nroles: [Deployment Creator]\n');
    assert.deepEqual(place(ws, t, t.assignments[0]), { role: ws.resolveRole('Deployment Creator'), level: 'space', space: 'Finance', refusals: [] });
    const s = team('name: S\nroles: [Sys]\n');
    assert.equal(place(ws, s, s.assignments[0]).level, 'system');
  });

  it('names every reason Octopus refuses an assignment', () => {
    const t = team('name: T\nspace: Finance\nroles:\n  - role: Sys\n    space: Nowhere\n  - Nope\n  - Deployment Creator\n');
    assert.deepEqual(place(ws, t, t.assignments[0]).refusals, ['unknown-space', 'space-not-allowed', 'system-role-in-space-team']);
    assert.deepEqual(place(ws, t, t.assignments[1]).refusals, ['unknown-role']);
    const s = team('name: S\nroles: [Deployment Creator]\n');
    assert.deepEqual(place(ws, s, s.assignments[0]), { role: ws.resolveRole('Deployment Creator'), refusals: ['space-required'] });
  });
});

describe('quick fixes in a broken file (SPEC section 7)', () => {
  it('offers no rule fix in a file with a syntax error or conflict markers, only the suppression comment', () => {
    for (const text of [
      'name: R\nspacePermissions: [ProjectView, ProjectView]\nbad: [\n',
      'name: R\nspacePermissions:\n<<<<<<< ours\n  - ProjectView\n=======\n  - ProjectView\n>>>>>>> theirs\n  - ProjectView\n',
    ]) {
      const ws = fresh({ 'r.role.yaml': text });
      const d = ws.diagnostics('r.role.yaml').find((x) => x.code === 'duplicate-permission');
      if (!d) continue; // the duplicate is on a line the syntax error explains
      const fixes = codeFixes(ws, 'r.role.yaml', d, DEFAULT_SETTINGS);
      assert.deepEqual(fixes.map((f) => f.title), ["Suppress 'duplicate-permission' on this line"]);
    }
    const ws = fresh({ 'r.role.yaml': 'name: R\nspacePermissions: [ProjectView, ProjectView]\nbad: [\n' });
    const d = ws.diagnostics('r.role.yaml').find((x) => x.code === 'duplicate-permission')!;
    assert.ok(d, 'the duplicate is reported');
    assert.ok(!codeFixes(ws, 'r.role.yaml', d, DEFAULT_SETTINGS).some((f) => f.safe));
  });
});

describe("a second Space Managers team's members move to the space's managers", () => {
  const apply = (ws: Workspace, change: { edits: ReadonlyMap<string, readonly { span: { start: number; end: number }; newText: string }[]> }) => {
    const out = new Map<string, string>();
    for (const [uri, edits] of change.edits) out.set(uri, applyEdits(ws.text(uri)!, edits));
    return out;
  };

  for (const [label, space, expected] of [
    ['a space without managers', 'name: Finance\nenvironments: [Test]\n', 'name: Finance\nenvironments: [Test]\nmanagers:\n  members: [carol, dave]\n'],
    ['a space with a managers list', 'name: Finance\nmanagers:\n  members:\n    - erin\n', 'name: Finance\nmanagers:\n  members:\n    - erin\n    - carol\n    - dave\n'],
  ] as const) {
    it(`adds them to ${label} and deletes the team, leaving the other documents`, () => {
      const team = 'name: Deployers\nspace: Finance\nroles: [Deployment Creator]\n---\nname: Space Managers\nspace: Finance\nmembers: [carol, dave]\n';
      const ws = fresh({ 'f.space.yaml': space, 't.team.yaml': team });
      const d = ws.diagnostics('t.team.yaml').find((x) => x.code === 'builtin-team')!;
      const fixes = codeFixes(ws, 't.team.yaml', d, DEFAULT_SETTINGS).filter((f) => !f.title.startsWith('Suppress'));
      assert.deepEqual(fixes.map((f) => [f.title, f.safe]), [["Move 'carol', 'dave' to the managers of space 'Finance' and delete this team (grants Space Manager in Finance and server-wide to user carol and user dave)", false]]);
      const texts = apply(ws, fixes[0].change);
      assert.equal(texts.get('t.team.yaml'), 'name: Deployers\nspace: Finance\nroles: [Deployment Creator]\n');
      assert.equal(texts.get('f.space.yaml'), expected);
      const after = fresh(Object.fromEntries(texts));
      assert.deepEqual(codes(after.diagnostics('t.team.yaml')), []);
      assert.ok(accessOf(teamsOf(after), { kind: 'user', name: 'dave' }).holdings.some((h) => h.role === 'Space Manager' && h.space === 'Finance'));
    });
  }
});

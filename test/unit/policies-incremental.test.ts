/**
 * Re-proving access policies after a change (SPEC section 11, issue 27's keystroke target): the editor
 * proves again only the policies a change can alter and keeps the others' results. A wrong skip is a wrong
 * answer, so each test compares with what SPEC section 11 says the policy comes to, or with a fresh proof of
 * the same files; and the proof counter shows that the policies a change cannot alter are not proved again.
 */
import * as assert from 'node:assert/strict';
import { Workspace } from '../../server/src/service';
import { policyProofs } from '../../server/src/service/model/policies';
import { generateWorkspace, mulberry32 } from '../support/generate';

const POLICY = 'file:///w/access.policy.yaml';
const DEPLOYER = 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n';
const AUDITOR = 'name: Auditor\nspacePermissions: [EventView]\n';
const SPACES = 'name: Finance\nenvironments: [Test, Production]\n---\nname: Retail\nenvironments: [Test, Production]\n';

/**
 * A space team with one assignment per role given (each line its role and restrictions). Its members come
 * last, so that a change of members moves no assignment.
 */
const team = (name: string, space: string, members: string[], roles: string[]) => `name: ${name}\nspace: ${space}\nroles:\n${roles.map((r) => `  - role: ${r}`).join('\n')}\nmembers: [${members.join(', ')}]\n`;

/** Six policies: over deploying in Finance and in Retail, over viewing projects, and over events. */
const POLICIES = `policies:
  - name: Only release managers deploy to Finance production
    permission: DeploymentCreate
    space: Finance
    environment: Production
    only: [team:Release Managers]
  - name: Only Retail's deployers deploy there
    permission: DeploymentCreate
    space: Retail
    only: [team:Retail Deployers]
  - name: Release managers deploy to Finance production
    permission: DeploymentCreate
    space: Finance
    environment: Production
    includes: [team:Release Managers]
  - name: Nobody deploys everywhere in Retail
    permission: DeploymentCreate
    space: Retail
    unrestricted: none
  - name: Auditors see events
    permission: EventView
    space: Finance
    includes: [team:Auditors]
  - name: Only release managers view Finance projects
    permission: ProjectView
    space: Finance
    only: [team:Release Managers]
`;

function workspace(): Workspace {
  const ws = new Workspace();
  ws.setFile('file:///w/deployer.role.yaml', DEPLOYER);
  ws.setFile('file:///w/auditor.role.yaml', AUDITOR);
  ws.setFile('file:///w/spaces.space.yaml', SPACES);
  ws.setFile('file:///w/rm.team.yaml', team('Release Managers', 'Finance', ['alice'], ['Deployer\n    environments: [Production]']));
  ws.setFile('file:///w/ops.team.yaml', team('Ops', 'Finance', ['bob'], ['Auditor']));
  ws.setFile('file:///w/auditors.team.yaml', team('Auditors', 'Finance', ['erin'], ['Auditor']));
  ws.setFile('file:///w/retail.team.yaml', team('Retail Deployers', 'Retail', ['dave'], ['Deployer\n    environments: [Test]']));
  ws.setFile(POLICY, POLICIES);
  return ws;
}

/** Each breached policy's name, with the principals its message names. */
function breached(ws: Workspace): string[] {
  return ws
    .diagnostics(POLICY)
    .filter((d) => d.code === 'policy-breach')
    .map((d) => d.message.replace(/^Policy `([^`]*)` does not hold: (.*?) (holds?|does|do)\b.*$/, '$1: $2'));
}

/** The policy file's findings after `edit`, and how many policies it proved again. */
function after(ws: Workspace, edit: () => void): { breached: string[]; proved: number } {
  edit();
  const before = policyProofs.count;
  const out = breached(ws);
  return { breached: out, proved: policyProofs.count - before };
}

/**
 * Sets `uri` to `text` in `ws` and in `files`, and asserts that the policy file's findings (`findings`) equal
 * those of a fresh workspace of the same files. Returns how many policies the edit proved again.
 */
function editAndCompare(ws: Workspace, files: Map<string, string>, uri: string, text: string, findings: (w: Workspace) => string, label: string): number {
  files.set(uri, text);
  ws.setFile(uri, text);
  const before = policyProofs.count;
  const got = findings(ws);
  const proved = policyProofs.count - before;
  const fresh = new Workspace();
  for (const [u, t] of files) fresh.setFile(u, t);
  assert.equal(got, findings(fresh), label);
  return proved;
}

describe('access policies: re-proving after a change (SPEC section 11)', () => {
  it('re-proves a policy that a team edit breaks, and again when a later edit makes it hold, skipping the others', () => {
    const ws = workspace();
    assert.deepEqual(breached(ws), []);
    // Ops gains deploying in Finance: the Finance deploying and viewing policies can change, no other.
    const broken = after(ws, () => ws.setFile('file:///w/ops.team.yaml', team('Ops', 'Finance', ['bob'], ['Auditor', 'Deployer'])));
    assert.deepEqual(broken.breached, [
      'Only release managers deploy to Finance production: team `Finance/Ops`, user `bob`',
      'Only release managers view Finance projects: team `Finance/Ops`, user `bob`',
    ]);
    assert.equal(broken.proved, 3);
    // erin, a user the model has, joins Ops: the `only` policies over what Ops holds can change (who its
    // unlisted holders reach); not the `includes` ones, which list no one Ops gained, nor `unrestricted: none`.
    const joined = after(ws, () => ws.setFile('file:///w/ops.team.yaml', team('Ops', 'Finance', ['bob', 'erin'], ['Auditor', 'Deployer'])));
    assert.deepEqual(joined.breached, [
      'Only release managers deploy to Finance production: team `Finance/Ops`, user `bob`, user `erin`',
      'Only release managers view Finance projects: team `Finance/Ops`, user `bob`, user `erin`',
    ]);
    assert.equal(joined.proved, 2);
    const mended = after(ws, () => ws.setFile('file:///w/ops.team.yaml', team('Ops', 'Finance', ['bob'], ['Auditor', 'Deployer\n    environments: [Test]'])));
    assert.deepEqual(mended.breached, ['Only release managers view Finance projects: team `Finance/Ops`, user `bob`']);
    // Deploying's grants changed (both Finance deploying policies); erin left, so the `only` policy over
    // viewing projects too (ProjectView cannot be restricted to environments: its grants are the same).
    assert.equal(mended.proved, 3);
  });

  it('after more changes than the index keeps (files read after the policy file, as the command line reads them), proves every policy afresh and right', () => {
    const ws = workspace();
    breached(ws);
    // A thousand files between two reads: more than the change log holds, so nothing is kept from before.
    for (let i = 0; i < 1000; i++) ws.setFile(`file:///w/more/t${i}.team.yaml`, team(`Team ${i}`, 'Retail', [`u${i}`], []));
    const long = after(ws, () => ws.setFile('file:///w/ops.team.yaml', team('Ops', 'Finance', ['bob'], ['Auditor', 'Deployer'])));
    assert.deepEqual(long.breached, [
      'Only release managers deploy to Finance production: team `Finance/Ops`, user `bob`',
      'Only release managers view Finance projects: team `Finance/Ops`, user `bob`',
    ]);
    assert.equal(long.proved, 6);
    // A few changes later, only the policies they can alter are proved again.
    const short = after(ws, () => ws.setFile('file:///w/ops.team.yaml', team('Ops', 'Finance', ['bob'], ['Auditor'])));
    assert.deepEqual(short.breached, []);
    assert.equal(short.proved, 3);
  });

  it('does not re-prove a policy that an edit cannot alter: a comment, a team that grants none of the subjects', () => {
    const ws = workspace();
    breached(ws);
    assert.equal(after(ws, () => ws.setFile('file:///w/ops.team.yaml', `${team('Ops', 'Finance', ['bob'], ['Auditor'])}# who is on call\n`)).proved, 0);
    // Retail's team grants nothing of Finance: only the Retail policies and the space-wide one are proved.
    const retail = after(ws, () => ws.setFile('file:///w/retail.team.yaml', team('Retail Deployers', 'Retail', ['dave'], ['Deployer'])));
    assert.deepEqual(retail.breached, ['Nobody deploys everywhere in Retail: team `Retail/Retail Deployers`']);
    assert.equal(retail.proved, 2);
    // An existing user joining a team that holds only events changes no policy: the events policy lists the
    // team, whose records do not depend on its members.
    assert.equal(after(ws, () => ws.setFile('file:///w/auditors.team.yaml', team('Auditors', 'Finance', ['erin', 'bob'], ['Auditor']))).proved, 0);
  });

  it('a role edit re-proves the policies over the permissions it adds or removes, everywhere', () => {
    const ws = workspace();
    breached(ws);
    const widened = after(ws, () => ws.setFile('file:///w/auditor.role.yaml', 'name: Auditor\nspacePermissions: [EventView, ProjectView]\n'));
    assert.deepEqual(widened.breached, ['Only release managers view Finance projects: team `Finance/Auditors`, team `Finance/Ops`, user `bob`, user `erin`']);
    assert.equal(widened.proved, 2);
    const narrowed = after(ws, () => ws.setFile('file:///w/auditor.role.yaml', 'name: Auditor\nspacePermissions: [ProjectView]\n'));
    assert.deepEqual(narrowed.breached, ['Auditors see events: team `Finance/Auditors`', 'Only release managers view Finance projects: team `Finance/Auditors`, team `Finance/Ops`, user `bob`, user `erin`']);
    assert.equal(narrowed.proved, 2);
  });

  it('a user new to the model breaches through Everyone, though the team that lists them holds nothing the policy is about', () => {
    const ws = workspace();
    ws.setFile('file:///w/everyone.team.yaml', 'name: Everyone\nroles:\n  - role: Deployer\n    space: Retail\n    environments: [Test]\n');
    ws.setFile(POLICY, `${POLICIES}  - name: Nobody but Retail's deployers views Retail projects\n    permission: ProjectView\n    space: Retail\n    only: [team:Retail Deployers]\n`);
    const first = breached(ws).find((m) => m.startsWith('Nobody but'));
    assert.equal(first, "Nobody but Retail's deployers views Retail projects: team `Everyone`, user `alice`, user `bob`, user `dave`, user `erin`");
    // zoe joins the Finance auditors, who hold nothing in Retail: Everyone reaches her there.
    const joined = after(ws, () => ws.setFile('file:///w/auditors.team.yaml', team('Auditors', 'Finance', ['erin', 'zoe'], ['Auditor'])));
    assert.equal(joined.breached.find((m) => m.startsWith('Nobody but')), "Nobody but Retail's deployers views Retail projects: team `Everyone`, user `alice`, user `bob`, user `dave`, user `erin`, user `zoe`");
    const left = after(ws, () => ws.setFile('file:///w/auditors.team.yaml', team('Auditors', 'Finance', ['erin'], ['Auditor'])));
    assert.equal(left.breached.find((m) => m.startsWith('Nobody but')), first);
  });

  it('a user listed in `includes` holds it once a team that lists them gains it, and breaks when it loses it', () => {
    const ws = workspace();
    ws.setFile(POLICY, `${POLICIES}  - name: Bob deploys in Finance\n    permission: DeploymentCreate\n    space: Finance\n    includes: [user:bob]\n`);
    const bob = (out: string[]) => out.filter((m) => m.startsWith('Bob deploys'));
    assert.deepEqual(bob(breached(ws)), ['Bob deploys in Finance: user `bob`']);
    const gained = after(ws, () => ws.setFile('file:///w/ops.team.yaml', team('Ops', 'Finance', ['bob'], ['Auditor', 'Deployer'])));
    assert.deepEqual(bob(gained.breached), []);
    const lost = after(ws, () => ws.setFile('file:///w/ops.team.yaml', team('Ops', 'Finance', ['bob'], ['Auditor'])));
    assert.deepEqual(bob(lost.breached), ['Bob deploys in Finance: user `bob`']);
  });

  it('a user listed in `includes` holds it once they join a team that holds it, and breaks when they leave', () => {
    const ws = workspace();
    ws.setFile(POLICY, `${POLICIES}  - name: Bob deploys to Finance production\n    permission: DeploymentCreate\n    space: Finance\n    environment: Production\n    includes: [user:bob]\n`);
    const bob = (out: string[]) => out.filter((m) => m.startsWith('Bob deploys'));
    assert.deepEqual(bob(breached(ws)), ['Bob deploys to Finance production: user `bob`']);
    const joined = after(ws, () => ws.setFile('file:///w/rm.team.yaml', team('Release Managers', 'Finance', ['alice', 'bob'], ['Deployer\n    environments: [Production]'])));
    assert.deepEqual(bob(joined.breached), []);
    // Bob's policy, and the `only` policies over what Release Managers holds (deploying, viewing in Finance).
    assert.equal(joined.proved, 3);
    const left = after(ws, () => ws.setFile('file:///w/rm.team.yaml', team('Release Managers', 'Finance', ['alice'], ['Deployer\n    environments: [Production]'])));
    assert.deepEqual(bob(left.breached), ['Bob deploys to Finance production: user `bob`']);
  });

  it('a team renamed re-proves the policies over what it holds and those naming either name, on the kept prover', () => {
    const ws = workspace();
    ws.setFile('file:///w/ops.team.yaml', team('Ops', 'Finance', ['bob'], ['Auditor', 'Deployer']));
    breached(ws);
    // Ops holds deploying, viewing and events in Finance: those four policies (none names Ops).
    const renamed = after(ws, () => ws.setFile('file:///w/ops.team.yaml', team('Operations', 'Finance', ['bob'], ['Auditor', 'Deployer'])));
    assert.deepEqual(renamed.breached, [
      'Only release managers deploy to Finance production: team `Finance/Operations`, user `bob`',
      'Only release managers view Finance projects: team `Finance/Operations`, user `bob`',
    ]);
    assert.equal(renamed.proved, 4);
    // Release Managers renamed: the three policies that name it (over what it holds too); the others stay.
    const away = after(ws, () => ws.setFile('file:///w/rm.team.yaml', team('Release Leads', 'Finance', ['alice'], ['Deployer\n    environments: [Production]'])));
    assert.equal(away.proved, 3);
    const fresh = (): string[] => {
      const w = new Workspace();
      for (const uri of ws.uris()) w.setFile(uri, ws.text(uri)!);
      return w.diagnostics(POLICY).map((d) => `${d.code}: ${d.message}`);
    };
    const now = ws.diagnostics(POLICY).map((d) => `${d.code}: ${d.message}`);
    assert.deepEqual(now, fresh());
    assert.equal(now.filter((m) => m.startsWith('unknown-principal')).length, 3);
    // And back: the policies name it again.
    const back = after(ws, () => ws.setFile('file:///w/rm.team.yaml', team('Release Managers', 'Finance', ['alice'], ['Deployer\n    environments: [Production]'])));
    assert.equal(back.proved, 3);
    assert.deepEqual(ws.diagnostics(POLICY).map((d) => `${d.code}: ${d.message}`), fresh());
    assert.ok(!ws.diagnostics(POLICY).some((d) => d.code === 'unknown-principal'));
  });

  it('after seeded random renames of teams (to free names, to names other teams have, to built-in names), every finding equals a fresh proof', () => {
    const files = new Map([...generateWorkspace({ files: 120, seed: 9 })].map(([p, t]) => [`file:///g/${p}`, t]));
    const ws = new Workspace();
    for (const [uri, text] of files) ws.setFile(uri, text);
    const names: string[] = [];
    for (const uri of ws.uris()) for (const d of ws.model(uri)?.docs ?? []) if (d.kind === 'team' && d.name) names.push(d.name.value);
    const subjects = ['DeploymentCreate', 'ProjectView', 'VariableEdit', 'EnvironmentView', 'TaskView'];
    const rng = mulberry32(3);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
    // Policies naming teams of the workspace and names the renames bring.
    const pool = ['Renamed 1', 'Renamed 2', 'Renamed 5', 'Octopus Managers', 'Space Managers', 'Everyone', ...names.slice(0, 6)];
    const lines = ['policies:'];
    for (let i = 0; i < 24; i++) {
      lines.push(`  - name: p${i}`, `    permission: ${subjects[i % subjects.length]}`);
      const who = JSON.stringify(`team:${pick([...pool, ...names])}`);
      lines.push(i % 3 === 0 ? `    only: [${who}, user:alice]` : i % 3 === 1 ? `    includes: [${who}]` : '    unrestricted: none');
    }
    files.set('file:///g/p.policy.yaml', `${lines.join('\n')}\n`);
    ws.setFile('file:///g/p.policy.yaml', files.get('file:///g/p.policy.yaml')!);
    const findings = (w: Workspace) => JSON.stringify(w.diagnostics('file:///g/p.policy.yaml'));
    findings(ws);
    const teamFiles = [...files.keys()].filter((u) => u.endsWith('.team.yaml'));
    let proved = 0;
    for (let i = 0; i < 30; i++) {
      const uri = pick(teamFiles);
      // Half to a name no team has had, half to one of the pool (which may be taken).
      const name = rng() < 0.5 ? `Renamed ${i}` : pick(pool);
      const text = files.get(uri)!.replace(/^name: [^\n]*$/m, `name: ${JSON.stringify(name)}`);
      proved += editAndCompare(ws, files, uri, text, findings, `after rename ${i} of ${uri}`);
    }
    // A rename to a free name keeps the proofs of the policies over what the team does not hold (a fresh
    // proof of every policy each time would be 720).
    assert.ok(proved < 30 * 24 * 0.85, `${proved} proofs`);
  });

  it('after seeded random edits of team, role and space files, every finding equals a fresh proof of the same files', () => {
    const files = new Map([...generateWorkspace({ files: 150, seed: 5 })].map(([p, t]) => [`file:///g/${p}`, t]));
    const ws = new Workspace();
    for (const [uri, text] of files) ws.setFile(uri, text);
    const spaces: string[] = [];
    for (const uri of ws.uris()) for (const d of ws.model(uri)?.docs ?? []) if (d.kind === 'space' && d.name) spaces.push(d.name.value);
    const subjects = ['DeploymentCreate', 'ProjectView', 'VariableEdit', 'EnvironmentView', 'TaskView'];
    const lines = ['policies:'];
    for (let i = 0; i < 30; i++) {
      lines.push(`  - name: p${i}`, `    permission: ${subjects[i % subjects.length]}`);
      if (i % 4) lines.push(`    space: ${JSON.stringify(spaces[i % spaces.length])}`);
      lines.push(i % 3 === 0 ? '    only: [team:Octopus Administrators, user:alice]' : i % 3 === 1 ? '    includes: [team:Octopus Administrators, user:zed0, user:alice]' : '    unrestricted: none');
    }
    files.set('file:///g/p.policy.yaml', `${lines.join('\n')}\n`);
    ws.setFile('file:///g/p.policy.yaml', files.get('file:///g/p.policy.yaml')!);
    const findings = (w: Workspace) => JSON.stringify(w.diagnostics('file:///g/p.policy.yaml'));
    findings(ws);
    const rng = mulberry32(11);
    const of = (suffix: string) => [...files.keys()].filter((u) => u.endsWith(suffix));
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
    const edits: ((t: string) => string)[] = [
      (t) => `${t}# note\n`,
      (t) => t.replace(/members: \[/, 'members: [alice, '),
      (t) => t.replace(/members: \[/, `members: [zed${Math.floor(rng() * 3)}, `),
      (t) => t.replace(/members: \[[^,\]]*,? ?/, 'members: ['),
      (t) => t.replace(/ {2}- role: [^\n]*\n/, ''),
      (t) => t.replace(/( {2}- role: [^\n]*\n)/, '$1    tenants: [Acme]\n'),
      (t) => t.replace(/spacePermissions: \[/, `spacePermissions: [${pick(subjects)}, `),
      (t) => t.replace(/spacePermissions:\s*\[[^,\]]*,? ?/, 'spacePermissions: ['),
      (t) => t.replace(/spacePermissions:\n( +)- /, (_, indent: string) => `spacePermissions:\n${indent}- ${pick(subjects)}\n${indent}- `),
      (t) => t.replace(/(spacePermissions:\n) +- [^\n]*\n/, '$1'),
      (t) => t.replace(/environments: \[Test, /, 'environments: [Test, Staging, '),
    ];
    let proved = 0;
    for (let i = 0; i < 40; i++) {
      const uri = pick([...of('.team.yaml'), ...of('.team.yaml'), ...of('.role.yaml'), ...of('.space.yaml').slice(0, 1)]);
      proved += editAndCompare(ws, files, uri, pick(edits)(files.get(uri)!), findings, `after edit ${i} of ${uri}`);
    }
    // Most edits leave most policies alone.
    assert.ok(proved < 40 * 30 * 0.6, `${proved} proofs`);
  });
});

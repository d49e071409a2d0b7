/**
 * `diff` sized for a pull request (issue 28): access changes by source, a team's members that gain what it
 * gains in one line, restriction changes as deltas, and a markdown comment below GitHub's 65,536-character
 * limit that still states every gain (or counts what it leaves out, pointing at the JSON).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { diffText, type ShownSide } from '../../server/src/cli/diff-output';
import { markdownText } from '../../server/src/cli/markdown';
import type { AccessNote } from '../../server/src/service';
import { check, tree } from '../support/folders';

interface GainJson {
  permission: string;
  scope: string;
  space?: string;
  restrictions: Record<string, string[]>;
}
interface DiffJson {
  objects: { kind: string; name: string; details: string[] }[];
  access: { principal: { kind: string; name: string }; gains: GainJson[]; losses: GainJson[] }[];
}

const SPACE = 'name: Payments\nenvironments: [Staging, Production]\n';

/** A team file: a space team of Payments with these members and role assignments (YAML list items). */
const team = (name: string, members: readonly string[], roles: readonly string[]) =>
  `name: ${JSON.stringify(name)}\nspace: Payments\nmembers: [${members.map((m) => JSON.stringify(m)).join(', ')}]\nroles:\n${roles.map((r) => `  - ${r}\n`).join('')}`;

const MANAGERS = ['role: Project Deployer\n    environments: [Staging]', 'Project Viewer'];

/** Two folders `a` and `b` with these files, compared: the text, markdown and JSON. */
async function diff(a: Record<string, string>, b: Record<string, string>) {
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(a)) files[`a/${name}`] = text;
  for (const [name, text] of Object.entries(b)) files[`b/${name}`] = text;
  const root = tree(files);
  const text = await check(['diff', 'a', 'b'], root);
  const markdown = await check(['diff', 'a', 'b', '--format', 'markdown'], root);
  const json = JSON.parse((await check(['diff', 'a', 'b', '--format', 'json'], root)).stdout) as DiffJson;
  return { text, markdown, json };
}

/** The GitHub Action's comment writer, which cuts a report that is too long at any line. */
async function commentWriter() {
  const script = path.resolve(__dirname, '..', '..', '..', 'scripts', 'pr-comment.mjs');
  return (await import(pathToFileURL(script).href)) as { commentBody: (report: string) => string; MARKER: string };
}

/** A gain's scope and restrictions as the text writes them after its permissions. */
const scopeOf = (g: GainJson) =>
  `${g.scope === 'system' ? ' server-wide' : ` in space ${g.space}`}${g.restrictions.environments ? ` (only environments: ${g.restrictions.environments.join(', ')})` : ''}`;

/** True when some record line (`+ A, B in space S (only ...)`) of `text` states the gain. */
function states(text: string, g: GainJson): boolean {
  const scope = scopeOf(g);
  return text.split('\n').some((l) => {
    const m = /^\s*\+ (.*)$/.exec(l);
    return m !== null && m[1].endsWith(scope) && m[1].slice(0, -scope.length).split(', ').includes(g.permission);
  });
}

describe('diff sized for a pull request (issue 28)', function () {
  // Hundreds of changed teams and a thousand members, each compared on both sides: seconds, not milliseconds.
  this.timeout(120_000);
  it('adding one member to a team prints the lines a reviewer needs, in a few lines', async () => {
    const before = { 'payments.space.yaml': SPACE, 't.team.yaml': team('Release Managers', ['alice', 'bob', 'carol'], MANAGERS) };
    const after = { ...before, 't.team.yaml': team('Release Managers', ['alice', 'bob', 'carol', 'dave'], MANAGERS) };
    const { text, markdown, json } = await diff(before, after);
    assert.equal(text.code, 3, text.stderr);
    const lines = text.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 6), ['Changes from a to b', '', '  changed team Payments/Release Managers', '    member added: dave', '', 'user dave:']);
    assert.ok(lines.includes('  via Project Deployer in team Release Managers (space Payments): t.team.yaml:5'), text.stdout);
    assert.ok(lines.includes('  via Project Viewer in team Release Managers (space Payments): t.team.yaml:7'), text.stdout);
    assert.equal(lines.filter((l) => /^\S/.test(l)).length, 2, 'a heading and the one principal, dave');
    // Every one of dave's gains (about 60 records) is stated, on a handful of lines: 158 before.
    const dave = json.access.find((a) => a.principal.name === 'dave')!;
    assert.ok(dave.gains.length > 50);
    for (const g of dave.gains) assert.ok(states(text.stdout, g), `${g.permission}${scopeOf(g)} in\n${text.stdout}`);
    assert.ok(lines.length <= 20, `${lines.length} lines:\n${text.stdout}`);
    assert.ok(markdown.stdout.split('\n').length <= 30, markdown.stdout);
    assert.match(markdown.stdout, /<summary><b>user dave<\/b>: \+\d+ \/ −0<\/summary>/);
  });

  it("a team's members that gain exactly what it gains are one line; a member who gains less has a block", async () => {
    const deployer = (extra: string) => `name: Deployer\nspacePermissions: [ProjectView${extra}]\n`;
    const files = (extra: string) => ({
      'payments.space.yaml': SPACE,
      'deployer.role.yaml': deployer(extra),
      't.team.yaml': team('Release Managers', ['alice', 'bob', 'carol', 'erin'], ['Deployer']),
      // erin can already deploy to Production: she gains every other environment only.
      'u.team.yaml': team('Hotfix', ['erin'], ['role: Project Deployer\n    environments: [Production]']),
    });
    const { text, json } = await diff(files(''), files(', DeploymentCreate'));
    assert.equal(text.code, 3, text.stderr);
    assert.deepEqual(json.access.map((a) => a.principal.name).sort(), ['Payments/Release Managers', 'alice', 'bob', 'carol', 'erin']);
    assert.match(text.stdout, /\nteam Payments\/Release Managers:\n {2}via Deployer in team Release Managers \(space Payments\): t\.team\.yaml:5\n {4}\+ DeploymentCreate in space Payments\n {2}3 members of Payments\/Release Managers gain the same: alice, bob, carol\nuser erin:\n/);
    assert.match(text.stdout, /\nuser erin:\n {2}via Deployer in team Release Managers \(space Payments\): t\.team\.yaml:5\n {4}\+ DeploymentCreate in space Payments \(only environments: all but Production\)\n/);
    for (const name of ['alice', 'bob', 'carol']) assert.ok(!text.stdout.includes(`user ${name}:`), text.stdout);
  });

  it('shows a changed restriction as its delta: `environments: +Production`, `-Staging`', async () => {
    const at = (environments: string) => ({ 'payments.space.yaml': SPACE, 't.team.yaml': team('Release Managers', ['alice'], [`role: Project Deployer\n    environments: ${environments}`]) });
    const widened = await diff(at('[Staging]'), at('[Staging, Production]'));
    assert.match(widened.text.stdout, /\n {2}changed team Payments\/Release Managers\n {4}role assignment changed: Project Deployer; environments: \+Production\n\n/);
    assert.doesNotMatch(widened.text.stdout, /role assignment (added|removed)/);
    const row = widened.markdown.stdout.split('\n').find((l) => l.startsWith('| ✏️ | team |'))!;
    assert.equal(row.replace(/\\([!-/:-@[-`{-~])/g, '$1'), '| ✏️ | team | Payments/Release Managers | role assignment changed: Project Deployer; environments: +Production |');
    const swapped = await diff(at('[Staging]'), at('[Production]'));
    assert.match(swapped.text.stdout, /role assignment changed: Project Deployer; environments: \+Production, -Staging\n/);
    const opened = await diff(at('[Staging]'), { 'payments.space.yaml': SPACE, 't.team.yaml': team('Release Managers', ['alice'], ['Project Deployer']) });
    assert.match(opened.text.stdout, /role assignment changed: Project Deployer; environments: any \(was Staging\)\n/);
  });

  it('renders a generated 40-member change below 65,536 characters, every gain still stated', async () => {
    const members = Array.from({ length: 40 }, (_, i) => `member${String(i + 1).padStart(2, '0')}`);
    const before = { 'payments.space.yaml': SPACE, 't.team.yaml': team('Release Managers', ['alice'], MANAGERS) };
    const after = { ...before, 't.team.yaml': team('Release Managers', ['alice', ...members], MANAGERS) };
    const { markdown, json } = await diff(before, after);
    assert.equal(markdown.code, 3, markdown.stderr);
    assert.ok(markdown.stdout.length < 65_536, `${markdown.stdout.length} characters`);
    assert.doesNotMatch(markdown.stdout, /Cut to fit/);
    // The JSON keeps every principal's every record.
    assert.deepEqual(json.access.map((a) => a.principal.name), members);
    assert.ok(json.access.every((a) => a.gains.length > 50 && a.gains.length === json.access[0].gains.length));
    assert.ok(markdown.stdout.includes(`40 users gain the same: ${members.join(', ')}`), markdown.stdout);
    const fence = markdown.stdout.slice(markdown.stdout.indexOf('```diff'));
    for (const g of json.access[0].gains) assert.ok(states(fence, g), `${g.permission}${scopeOf(g)}`);
  });

  it('cuts a larger comment between blocks, counts what it leaves out, and points at the JSON', async () => {
    const after: Record<string, string> = { 'payments.space.yaml': SPACE };
    for (let i = 0; i < 120; i++) after[`t${i}.team.yaml`] = team(`Team ${i}`, [`user${i}`], MANAGERS);
    const { markdown, json } = await diff({ 'payments.space.yaml': SPACE }, after);
    const md = markdown.stdout;
    assert.ok(md.length < 65_536, `${md.length} characters`);
    assert.equal(md.match(/<details>/g)?.length, md.match(/<\/details>/g)?.length);
    assert.equal((md.match(/^```/gm)?.length ?? 0) % 2, 0);
    const cut = /\n\*\*Cut to fit a GitHub comment\.\*\* Left out: (?:(\d+) role, team or space changes?; )?the access changes of (\d+) principals \((\d+) gained records, (\d+) lost\)\. Run `octopus-roles diff` with `--format json` for the whole comparison\.\n$/.exec(md);
    assert.ok(cut, md.slice(-600));
    // What the comment shows and what it counts as left out make up the whole comparison.
    const rows = md.split('\n').filter((l) => l.startsWith('| ➕ |')).length;
    assert.equal(rows + Number(cut[1] ?? 0), json.objects.length);
    const shown = [...md.matchAll(/<summary><b>[^<]*<\/b>(?: and (\d+) members?)?: \+(\d+) \/ −(\d+)<\/summary>/g)];
    const principals = shown.reduce((n, m) => n + 1 + Number(m[1] ?? 0), 0);
    const gains = shown.reduce((n, m) => n + (1 + Number(m[1] ?? 0)) * Number(m[2]), 0);
    assert.equal(principals + Number(cut[2]), json.access.length);
    assert.equal(gains + Number(cut[3]), json.access.reduce((n, a) => n + a.gains.length, 0));
    assert.equal(Number(cut[4]), 0);
    // The Action posts it as it is, after its marker: it has nothing more to cut.
    const { commentBody, MARKER } = await commentWriter();
    assert.equal(commentBody(md), `${MARKER}\n${md}`);
  });

  it('keeps the table of changes within half the comment, so that access changes still show', async () => {
    const at = (environments: string) => {
      const files: Record<string, string> = { 'payments.space.yaml': SPACE };
      for (let i = 0; i < 800; i++) files[`t${i}.team.yaml`] = team(`Team ${i}`, [`user${i}`], [`role: Project Deployer\n    environments: ${environments}`]);
      return files;
    };
    const { markdown, json } = await diff(at('[Staging]'), at('[Staging, Production]'));
    const md = markdown.stdout;
    assert.ok(md.length < 65_536, `${md.length} characters`);
    const rows = md.split('\n').filter((l) => l.startsWith('| ✏️ |')).length;
    const more = /\n\n\*(\d+) more role, team or space changes are left out here: `--format json` has every change\.\*\n\n<details>/.exec(md);
    assert.ok(more, md.slice(0, 300));
    assert.equal(rows + Number(more[1]), json.objects.length);
    assert.ok(md.slice(0, more.index).length <= 65_536 / 2, 'the table takes at most half the comment');
    assert.ok((md.match(/<details>/g)?.length ?? 0) >= 10);
  });

  it('keeps a change to a team of a thousand members one block, naming 200 and counting the rest', async () => {
    const members = Array.from({ length: 1000 }, (_, i) => `${'member-with-a-long-directory-name-'.repeat(2)}${i}`);
    const files = (extra: string) => ({ 'payments.space.yaml': SPACE, 'r.role.yaml': `name: R\nspacePermissions: [ProjectView${extra}]\n`, 't.team.yaml': team('T', members, ['R']) });
    const { markdown, json } = await diff(files(''), files(', ReleaseCreate'));
    assert.equal(json.access.length, 1001);
    const md = markdown.stdout;
    assert.ok(md.length < 65_536, `${md.length} characters`);
    assert.doesNotMatch(md, /Cut to fit/);
    const sorted = [...members].sort();
    const line = md.split('\n').find((l) => l.startsWith('1000 members of'))!;
    assert.equal(line.replace(/\\([!-/:-@[-`{-~])/g, '$1'), `1000 members of Payments/T gain the same: ${sorted.slice(0, 200).join(', ')} and 800 more`);
    assert.match(md, /```diff\nvia R in team T \(space Payments\): t\.team\.yaml:5\n\+ ReleaseCreate in space Payments\n```/);
  });

  it('escapes names in the line of members, as every name in the comment', async () => {
    const names = ['<img src=x onerror=alert(1)>', '*bold* `code`', '@octo/admins #12'];
    const files = (extra: string) => ({ 'payments.space.yaml': SPACE, 'r.role.yaml': `name: R\nspacePermissions: [ProjectView${extra}]\n`, 't.team.yaml': team('T', names, ['R']) });
    const { markdown } = await diff(files(''), files(', ReleaseCreate'));
    const line = markdown.stdout.split('\n').find((l) => l.startsWith('3 members of'))!;
    assert.equal(line, `3 members of Payments/T gain the same: ${[...names].sort().map((n) => markdownText(n, 'inline')).join(', ')}`);
    assert.doesNotMatch(markdown.stdout, /(?<!\\)<img/);
  });

  it('prints the notes both sides have once, then the notes of each side alone', () => {
    const note = (line: number, reason: string): AccessNote => ({ module: 'file:///r/infra/', uri: 'file:///r/infra/teams.tf', span: { start: line, end: line + 1 }, reason });
    const side = (label: string, notes: AccessNote[]): ShownSide => ({ label, notes, places: { where: (uri) => ({ file: uri?.slice('file:///r/'.length) }), module: () => 'infra' } });
    const shared = note(1, 'a computed team');
    const text = diffText({ objects: [], access: [] }, { base: side('main', [shared, note(2, 'a dynamic block')]), head: side('HEAD', [shared, note(3, 'a computed role')]) });
    assert.equal(
      text.slice(text.indexOf('\nNot counted')),
      [
        '',
        'Not counted in main and HEAD (computed in Terraform modules, known only when Terraform runs):',
        '  infra/teams.tf: a computed team',
        '',
        'Not counted in main (computed in Terraform modules, known only when Terraform runs):',
        '  infra/teams.tf: a dynamic block',
        '',
        'Not counted in HEAD (computed in Terraform modules, known only when Terraform runs):',
        '  infra/teams.tf: a computed role',
        '',
      ].join('\n'),
    );
  });

  it("README's example is what diff prints for the change it describes", async () => {
    const readme = readFileSync(path.resolve(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('  $ octopus-roles diff HEAD~1 HEAD\n');
    assert.ok(start > 0, 'the example is in README');
    const example = readme.slice(start, readme.indexOf('  ```', start)).split('\n').slice(1, -1).map((l) => l.slice(2));
    const release = (members: string, environments: string) => `name: Release Managers\nspace: Payments\nmembers: [${members}]\nroles:\n  - role: Deployer\n    environments: [${environments}]\n`;
    const dir = tree({ 'payments.space.yaml': SPACE, 'deployer.role.yaml': 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView, TaskCreate]\n', 'teams/release.team.yaml': release('alice, bob, carol', 'Staging') });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    writeFileSync(path.join(dir, 'teams', 'release.team.yaml'), release('alice, bob, carol, dave', 'Staging, Production'));
    git('commit', '-qam', 'head');
    const r = await check(['diff', 'HEAD~1', 'HEAD'], dir);
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(r.stdout.split('\n').slice(0, -1), example);
  });
});

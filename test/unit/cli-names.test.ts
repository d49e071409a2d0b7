/**
 * Names in every text and JSON output of the command line: in text, a name with an escape sequence, a
 * line break or a bidirectional override comes out escaped, on the one line it belongs to (`printable`);
 * in JSON and SARIF, no lone surrogate is left (`jsonText`: U+FFFD in its place).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { jsonText, printable } from '../../server/src/cli/output';
import { check, tree } from '../support/folders';
import { hostileSample } from '../support/hostile-names';

/** Characters that drive a terminal, break a line, reorder or hide text, or are no Unicode at all. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/** Output text is safe when no line holds an unsafe character (the line breaks are the output's own). */
function assertPrintable(text: string, what: string): void {
  for (const line of text.split('\n')) assert.doesNotMatch(line, UNSAFE, `${what}: ${JSON.stringify(line)}`);
}

/** A lone surrogate in JSON text: as an escape (after an even number of backslashes), or as itself. */
const LONE_IN_JSON = /(?<=(?:^|[^\\])(?:\\\\)*)\\ud[89a-f][0-9a-f]{2}|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/i;

const ROLE = 'Role \x1b[2J\u202eevil\nforged\udfff';
const TEAM = 'Team \x1b]8;;http://x\x07\u2066line\nbreak';
const SPACE = 'Space \u200b\ufeff\u2028';
const USER = 'user \x1b[31m\ud800';

const q = (s: string) => JSON.stringify(s);
const FILES = {
  's.space.yaml': `name: ${q(SPACE)}\n`,
  'r.role.yaml': `name: ${q(ROLE)}\nspacePermissions: [ProjectView]\n`,
  't.team.yaml': `name: ${q(TEAM)}\nspace: ${q(SPACE)}\nmembers: [${q(USER)}]\nroles: [${q(ROLE)}]\n`,
  'e.role.yaml': `name: ${q(`Empty ${ROLE}`)}\n`,
};

describe('names in text output: escaped, each on its own line', () => {
  it('check: a finding about a hostile name is one line', async () => {
    const r = await check(['check', '.'], tree(FILES));
    assertPrintable(r.stdout, 'check');
    assert.ok(r.stdout.split('\n').some((l) => l.startsWith('e.role.yaml:') && l.includes(printable(`Empty ${ROLE}`))), r.stdout);
  });

  it('explain and who-can: principals, teams, roles and spaces escaped', async () => {
    const dir = tree(FILES);
    const explain = await check(['explain', `user:${USER}`], dir);
    assert.equal(explain.code, 0, explain.stderr);
    assertPrintable(explain.stdout, 'explain');
    for (const name of [USER, TEAM, ROLE, SPACE]) assert.ok(explain.stdout.includes(printable(name)), `${printable(name)} in ${explain.stdout}`);
    const whoCan = await check(['who-can', 'ProjectView'], dir);
    assert.equal(whoCan.code, 0, whoCan.stderr);
    assertPrintable(whoCan.stdout, 'who-can');
    for (const name of [USER, TEAM, ROLE, SPACE]) assert.ok(whoCan.stdout.includes(printable(name)), `${printable(name)} in ${whoCan.stdout}`);
    const unknown = await check(['explain', 'team:\x1b[2Jnobody\u202e'], dir);
    assert.equal(unknown.code, 2);
    assertPrintable(unknown.stderr, 'explain of an unknown team');
  });

  it('diff: objects, principals, grants and labels escaped', async () => {
    const root = tree({});
    const base = 'base\x1b[2J';
    for (const [side, files] of [[base, FILES], ['head', { ...FILES, 'r.role.yaml': FILES['r.role.yaml'].replace('ProjectView', 'ProjectView, ReleaseCreate') }]] as const) {
      mkdirSync(path.join(root, side));
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, side, name), text);
    }
    const r = await check(['diff', base, 'head'], root);
    assert.equal(r.code, 3, r.stderr);
    assertPrintable(r.stdout, 'diff');
    assert.ok(r.stdout.startsWith(`Changes from ${printable(base)} to head\n`));
    assert.ok(r.stdout.includes(`  changed role ${printable(ROLE)}\n`), r.stdout);
    assert.ok(r.stdout.includes(`gains the same: ${printable(USER)}\n`), r.stdout);
    assert.ok(r.stdout.includes(`team ${printable(`${SPACE}/${TEAM}`)}:\n`), r.stdout);
    const bad = await check(['diff', 'no\x1b[2Jsuch\u202e'], root);
    assert.equal(bad.code, 2);
    assertPrintable(bad.stderr.split('\n\n')[0], 'diff of a bad revision');
  });

  it('export and import: their reports escaped', async () => {
    // The export notes that a space's managers are not exported, naming the space.
    const dir = tree({ ...FILES, 's.space.yaml': `${FILES['s.space.yaml']}managers:\n  members: [carol]\n` });
    const exported = await check(['export', '--format', 'terraform', '--out', 'tf'], dir);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /its managers are not exported/);
    assertPrintable(exported.stderr, 'export');
    const dump = tree({ 'teams.json': JSON.stringify([{ Id: 'Teams-1', Name: TEAM, MemberUserIds: [`Users-\x1b[2J\u200b\u202e`], ExternalSecurityGroups: [], SpaceId: null }]), 'spaces.json': '[]' });
    const imported = await check(['import', '--from', dump, '--out', path.join(dump, 'out')], dump);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /is no user of the dump/);
    assertPrintable(imported.stderr, 'import');
  });
});

describe('names in JSON and SARIF output: no lone surrogate', () => {
  it('jsonText writes a lone surrogate as U+FFFD and nothing else differently', () => {
    for (const s of [...hostileSample(300), '\\ud800', '\\\ud800', 'a\\\\ud800']) {
      const text = jsonText({ s, [s]: [s] }, 2);
      assert.doesNotMatch(text, LONE_IN_JSON, JSON.stringify(s));
      const fixed = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
      assert.deepEqual(JSON.parse(text), { s: fixed, [fixed]: [fixed] });
    }
  });

  it('check --format json and sarif, explain, who-can and diff --format json', async () => {
    const dir = tree(FILES);
    const outputs: [string, string][] = [];
    for (const args of [['check', '--format', 'json'], ['check', '--format', 'sarif'], ['explain', `user:${USER}`, '--format', 'json'], ['who-can', 'ProjectView', '--format', 'json']]) {
      outputs.push([args.join(' '), (await check(args, dir)).stdout]);
    }
    const root = tree({});
    for (const [side, role] of [['a', FILES['r.role.yaml']], ['b', FILES['r.role.yaml'].replace('ProjectView', 'ProjectView, ReleaseCreate')]] as const) {
      mkdirSync(path.join(root, side));
      for (const [name, text] of Object.entries({ ...FILES, 'r.role.yaml': role })) writeFileSync(path.join(root, side, name), text);
    }
    outputs.push(['diff --format json', (await check(['diff', 'a', 'b', '--format', 'json'], root)).stdout]);
    for (const [what, text] of outputs) {
      assert.doesNotMatch(text, LONE_IN_JSON, what);
      assert.ok(text.includes('\ufffd'), `${what} names the user or the role, with U+FFFD for its lone surrogate`);
      JSON.parse(text);
    }
  });
});

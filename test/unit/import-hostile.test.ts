/**
 * `octopus-roles import` on dumps built to break it (docs/security.md, "The bridge's HTTP client and
 * dumps"): nesting that exhausted the stack of the reader's walk, a file larger than a string can hold,
 * dumps over the size limits, and names that no file can hold as they are (lone surrogates, blank names).
 * Each gets a message and a clean exit, never a crash; and every file written reads back to the names the
 * import map and the model hold.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { MAX_DUMP_FILE_BYTES, nestingPastAt, readDump } from '../../server/src/bridge/api';
import { convertDump } from '../../server/src/bridge/convert';
import type { Imported } from '../../server/src/bridge/model';
import { modelFiles } from '../../server/src/bridge/yaml';
import { DumpError, readDumpFolder } from '../../server/src/cli/import';
import { DIMENSIONS, type Doc } from '../../server/src/service';
import { workspaceFromFiles } from '../support/bridge';
import { dumpFiles } from '../support/dump';
import { check, filesIn, tree } from '../support/folders';

async function importDump(files: Record<string, string>) {
  const dir = tree(Object.fromEntries(Object.entries(files).map(([k, v]) => [`dump/${k}`, v])));
  const r = await check(['import', '--from', 'dump', '--out', 'model'], dir);
  return { ...r, dir, out: path.join(dir, 'model') };
}

const ROLE = { Id: 'UserRoles-1', Name: 'Deployer', GrantedSpacePermissions: ['ProjectView'], GrantedSystemPermissions: [] };
const deepItems = (n: number) => '{"Items":['.repeat(n) + JSON.stringify(ROLE) + ']}'.repeat(n);

describe('import on hostile dumps', () => {
  it('reports JSON nested deeper than 64 levels and skips it, without recursion (100,000 levels crashed the walk)', async () => {
    const r = await importDump({ 'deep.json': deepItems(100_000), 'bundle.json': `{"Teams":${deepItems(100_000)}}`, 'roles.json': JSON.stringify([{ ...ROLE, Id: 'UserRoles-2', Name: 'Other' }]) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /deep\.json: nested more than 64 levels deep \(at character 320\), which no Octopus resource is; skipped/);
    assert.match(r.stderr, /bundle\.json: nested more than 64 levels deep/);
    assert.deepEqual([...filesIn(path.join(r.out, 'roles')).keys()], ['other.role.yaml']);
    const only = await importDump({ 'deep.json': deepItems(100_000) });
    assert.equal(only.code, 1);
    assert.match(only.stderr, /no user roles, teams or spaces in the dump; nothing written/);
    assert.ok(!existsSync(only.out));
  });

  it('reads 64 levels of pages, the most it allows', async () => {
    // 31 pages and their lists are 62 levels; the role is the 63rd, its permission list the 64th.
    const r = await importDump({ 'pages.json': deepItems(31) });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(path.join(r.out, 'roles/deployer.role.yaml')));
  });

  it('measures depth in one pass, brackets inside strings not counted', () => {
    assert.equal(nestingPastAt('[[[]]]', 3), -1);
    assert.equal(nestingPastAt('[[[[]]]]', 3), 3);
    assert.equal(nestingPastAt(`["${'['.repeat(1000)}", "\\"[[[[", {"a": "\\\\"}]`, 2), -1);
    assert.equal(nestingPastAt(`{"a": "\\\\", "b": [[[1]]]}`, 3), 19);
    const start = Date.now();
    assert.equal(nestingPastAt('['.repeat(5_000_000) + ']'.repeat(5_000_000)), 64);
    assert.ok(Date.now() - start < 2000, 'linear');
  });

  it('refuses a file over 64 MB before reading it (a 600 MB file is more than a string can hold)', async function () {
    this.timeout(60_000);
    const dir = tree({ 'dump/roles.json': JSON.stringify([ROLE]) });
    // A sparse file: 600 MB long, no disk used.
    writeFileSync(path.join(dir, 'dump/huge.json'), '');
    truncateSync(path.join(dir, 'dump/huge.json'), 600 * 1024 * 1024);
    const r = await check(['import', '--from', 'dump', '--out', 'model'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'octopus-roles: dump: huge.json is 600 MB, over the limit of 64 MB for one dump file; split it into several files (import reads any names); nothing written\n');
    assert.ok(!existsSync(path.join(dir, 'model')));
    const drift = await check(['diff', '--live', 'dump'], dir);
    assert.equal(drift.code, 2);
    assert.match(drift.stderr, /huge\.json is 600 MB, over the limit of 64 MB/);
  });

  it('refuses a dump over its total limit, naming the file where it passed it', () => {
    const dir = tree({ 'a.json': 'x'.repeat(100), 'b/c.json': 'x'.repeat(100), 'd.json': 'x'.repeat(100) });
    assert.deepEqual(readDumpFolder(dir, { fileBytes: 100, totalBytes: 300 }).map((f) => f.name), ['a.json', 'b/c.json', 'd.json']);
    assert.throws(() => readDumpFolder(dir, { fileBytes: 100, totalBytes: 250 }), (err: unknown) => err instanceof DumpError && err.message === "the dump's files pass 250 bytes together at d.json, the most one import reads");
    assert.throws(() => readDumpFolder(dir, { fileBytes: 99, totalBytes: 1000 }), /a\.json is 100 bytes, over the limit of 99 bytes for one dump file/);
    assert.equal(MAX_DUMP_FILE_BYTES, 64 * 1024 * 1024);
  });

  it('replaces lone surrogates in names with U+FFFD and says so, so that the files read back as the map says', async () => {
    const files = dumpFiles();
    const roles = JSON.parse(files['userroles.json']) as { Id: string; Name: string }[];
    roles.find((r) => r.Id === 'UserRoles-1')!.Name = 'Deploy\ud800er';
    files['userroles.json'] = JSON.stringify(roles);
    files['more-users.json'] = JSON.stringify([{ Id: 'Users-1', Username: '\udc00alice' }]);
    const r = await importDump(files);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /userroles\.json: user role "UserRoles-1": Name held lone surrogates \(half a UTF-16 pair, which no UTF-8 file can hold\); each replaced by U\+FFFD/);
    assert.match(r.stderr, /more-users\.json: user "Users-1": Username held lone surrogates/);
    const map = JSON.parse(readFileSync(path.join(r.out, '.octopus-roles/import-map.json'), 'utf8'));
    assert.equal(map.roles.find((x: { id: string }) => x.id === 'UserRoles-1').name, 'Deploy\ufffder');
    assert.equal(map.users.find((x: { id: string }) => x.id === 'Users-1').name, '\ufffdalice');
    const ws = workspaceFromFiles(filesIn(r.out));
    const names = [...ws.uris()].flatMap((u) => ws.model(u)!.docs.map((d) => d.name?.value));
    assert.ok(names.includes('Deploy\ufffder'), names.join(', '));
    const deployers = readFileSync(path.join(r.out, 'teams/finance/finance-deployers.team.yaml'), 'utf8');
    assert.match(deployers, /- "?\ufffdalice"?\n/);
    assert.match(deployers, /role: "?Deploy\ufffder"?\n/);
  });

  it('skips a role, team or space whose name is blank, and says so: a file cannot hold it', async () => {
    const files = dumpFiles();
    const roles = JSON.parse(files['userroles.json']) as { Id: string; Name: string }[];
    roles.find((r) => r.Id === 'UserRoles-2')!.Name = ' \t\u3000';
    files['userroles.json'] = JSON.stringify(roles);
    const r = await importDump(files);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /userroles\.json: skipped user role "UserRoles-2": its name is blank/);
    assert.match(readFileSync(path.join(r.out, '.octopus-roles/import-report.txt'), 'utf8'), /role "UserRoles-2" .*is not in the dump; left out/);
    const c = await check(['check', 'model', '--format', 'json'], r.dir);
    assert.deepEqual(JSON.parse(c.stdout).filter((f: { severity: string }) => f.severity === 'error'), [], 'no missing-name');
  });
});

/** Every name the files say, in the order written: what the YAML reader reads back. */
function namesRead(files: ReadonlyMap<string, string>): string[][] {
  // Through UTF-8 bytes, as the files go to disk and come back.
  const onDisk = new Map([...files].map(([rel, text]) => [rel, Buffer.from(text, 'utf8').toString('utf8')]));
  const ws = workspaceFromFiles(onDisk);
  const out: string[][] = [];
  const values = (l?: { items: readonly { value: string }[] }) => l?.items.map((i) => i.value) ?? [];
  for (const rel of onDisk.keys()) {
    const uri = [...ws.uris()].find((u) => u.endsWith(`/${rel}`))!;
    for (const d of ws.model(uri)!.docs as readonly Doc[]) {
      const description = (parseAllDocuments(onDisk.get(rel)!)[0].toJS() as { description?: string }).description;
      const row = [d.name?.value ?? '<no name>', description ?? '<none>'];
      if (d.kind === 'role') row.push(...values(d.spacePermissions), '|', ...values(d.systemPermissions));
      if (d.kind === 'team') {
        row.push(d.space?.value ?? '<system>', ...values(d.members), '|', ...values(d.externalGroups));
        for (const a of d.assignments) row.push('|', a.role.value, a.space?.value ?? '', ...a.restrictions.flatMap((x) => [x.dimension, ...values(x.list)]));
      }
      if (d.kind === 'space') {
        for (const dim of DIMENSIONS) if (d.scopes[dim]) row.push(dim, ...values(d.scopes[dim]));
        row.push('|', ...values(d.managers?.members), '|', ...values(d.managers?.teams));
      }
      out.push(row);
    }
  }
  return out;
}

/** The same rows from the model the files were written from. */
function namesWritten(m: Imported): string[][] {
  const rows: string[][] = [];
  for (const r of m.roles) rows.push([r.name, r.description ?? '<none>', ...r.spacePermissions, '|', ...r.systemPermissions]);
  for (const s of m.spaces) rows.push([s.name, s.description ?? '<none>', ...DIMENSIONS.flatMap((d) => (s.scopes[d] ? [d, ...s.scopes[d]!] : [])), '|', ...s.managers.members, '|', ...s.managers.teams]);
  for (const t of m.teams) {
    const row = [t.name, t.description ?? '<none>', t.space ?? '<system>', ...t.members, '|', ...t.externalGroups];
    for (const a of t.roles) row.push('|', a.role, a.space ?? '', ...DIMENSIONS.flatMap((d) => (a.restrictions[d]?.length ? [d, ...a.restrictions[d]!] : [])));
    rows.push(row);
  }
  return rows;
}

const sorted = (rows: string[][]) => rows.map((r) => JSON.stringify(r)).sort();

describe('names an import writes', () => {
  it('read back from every file exactly as the model and the import map hold them, whatever the server sent', () => {
    // Strings of any code points, with lone surrogates, controls, line and paragraph separators, a
    // byte-order mark, blanks and YAML's own indicators mixed in often.
    const tricky = fc.constantFrom('\ud800', '\udfff', '\u0000', '\u0007', '\t', '\n', '\r', '\u0085', '\u2028', '\u2029', '\ufeff', '\ufffe', '\u007f', '\u009f', ' ', '\u3000', '#', ': ', '- ', '"', "'", '\\', '[', '{', '&a', '*a', '!t', '|', '>', '%', '@', '`', '~', 'null', 'true', '0x1', '1e3', '---', '...', '\ud83d\ude00');
    const name = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 3 }), tricky, fc.string({ maxLength: 3 })), { maxLength: 5 }).map((parts) => parts.join(''));
    const names = (n: number) => fc.array(name, { minLength: n, maxLength: n });
    fc.assert(
      fc.property(names(6), names(4), (a, b) => {
        const [role, team, space, user, env, group] = a;
        const dump = [
          { Id: 'Spaces-1', Name: space, Description: b[0], SpaceManagersTeams: [], SpaceManagersTeamMembers: ['Users-1'] },
          { Id: 'UserRoles-1', Name: role, Description: b[1], GrantedSpacePermissions: ['ProjectView', b[2]], GrantedSystemPermissions: [] },
          { Id: 'Users-1', Username: user },
          { Id: 'Environments-1', Name: env, SpaceId: 'Spaces-1' },
          { Id: 'Teams-1', Name: team, Description: b[3], SpaceId: 'Spaces-1', MemberUserIds: ['Users-1'], ExternalSecurityGroups: [{ Id: group }] },
          { Id: 'ScopedUserRoles-1', UserRoleId: 'UserRoles-1', TeamId: 'Teams-1', SpaceId: 'Spaces-1', EnvironmentIds: ['Environments-1', 'Environments-404'], ProjectIds: [], ProjectGroupIds: [], TenantIds: [] },
        ];
        const imported = convertDump(readDump([{ name: 'all.json', text: JSON.stringify(dump) }]).dump);
        const files = modelFiles(imported);
        assert.deepEqual(sorted(namesRead(files)), sorted(namesWritten(imported)));
        const map = JSON.parse(JSON.stringify(imported.map)) as Imported['map'];
        for (const r of imported.roles) assert.ok(map.roles.some((x) => x.name === r.name));
      }),
      {
        numRuns: 300,
        // Found by the property: lone surrogates came back as U+FFFD, and YAML floats that start with a
        // dot (which the writer left unquoted) as numbers.
        examples: [
          [
            ['Deploy\ud800er', '\udc00team', 'space\udbff', 'user\udfff', 'env\ud800', 'CN=\udc00'],
            ['\ud800', '\udc00', 'Project\ud800View', '\udfff'],
          ],
          [
            ['.5', '+.5e3', '.0', '.25', '+.1', '.5E-2'],
            ['.5', '+.5', '.5', '.07'],
          ],
        ],
      },
    );
  });
});

/**
 * `octopus-roles pull` against a stand-in server on loopback (test/support/octopus-server.ts): every page,
 * system and per-space endpoints, the key from the environment, and a refused key, an unreachable server
 * and a server that stops answering each ending with status 1 and nothing written. No other network.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { readDump } from '../../server/src/bridge/api';
import { toApi } from '../../server/src/bridge/to-api';
import { runCli } from '../../server/src/cli';
import { workspaceOf } from '../support/bridge';
import { dumpFiles } from '../support/dump';
import { tree, filesIn } from '../support/folders';
import { startStandIn, type StandIn } from '../support/octopus-server';

const KEY = 'API-TESTKEY0000000000000000000';
const EXAMPLES = path.resolve(__dirname, '../../../examples/acme');

async function run(args: string[], cwd: string, env: Record<string, string | undefined> = { OCTOPUS_API_KEY: KEY }) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env });
  return { code, stdout, stderr };
}


const DUMP = readDump(Object.entries(dumpFiles()).map(([name, text]) => ({ name, text }))).dump;

describe('octopus-roles pull', () => {
  let server: StandIn | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('equals import of the same data, and --save-json keeps a dump that imports to the same files', async () => {
    server = await startStandIn(DUMP, { key: KEY });
    const dir = tree(Object.fromEntries(Object.entries(dumpFiles()).map(([k, v]) => [`dump/${k}`, v])));
    const pulled = await run(['pull', '--server', server.url, '--out', 'pulled', '--save-json', 'saved'], dir);
    assert.equal(pulled.code, 0, pulled.stderr);
    const imported = await run(['import', '--from', 'dump', '--out', 'imported'], dir);
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(filesIn(path.join(dir, 'pulled')), filesIn(path.join(dir, 'imported')));
    const again = await run(['import', '--from', 'saved', '--out', 'again'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(filesIn(path.join(dir, 'again')), filesIn(path.join(dir, 'pulled')));
  });

  it('reads every page, through Page.Next and through skip/take, of system and per-space endpoints', async () => {
    server = await startStandIn(DUMP, { key: KEY, pageSize: 1, noNextLinks: true });
    const dir = tree({});
    const r = await run(['pull', '--server', server.url, '--out', 'model'], dir);
    assert.equal(r.code, 0, r.stderr);
    // Finance has four teams, one per page: the last one is there.
    assert.ok(existsSync(path.join(dir, 'model/teams/finance/idle.team.yaml')));
    assert.ok(server.requests.includes('/api/Spaces-1/teams?includeSystem=false&skip=3&take=1'), server.requests.join('\n'));
    // Teams-1 has two scoped user roles; without Page.Next the client asks with skip/take.
    assert.ok(server.requests.includes('/api/teams/Teams-1/scopeduserroles?skip=1&take=1'), server.requests.join('\n'));
    for (const p of ['/api/spaces/all', '/api/userroles/all', '/api/users/all', '/api/teams/all', '/api/Spaces-1/environments/all', '/api/Spaces-1/projects/all', '/api/Spaces-1/projectgroups/all', '/api/Spaces-1/tenants/all']) {
      assert.ok(server.requests.includes(p), p);
    }
    const deployers = readFileSync(path.join(dir, 'model/teams/finance/finance-deployers.team.yaml'), 'utf8');
    assert.match(deployers, /role: Deployer\n {4}environments: \[Production\]\n {2}- Project Viewer\n/);
  });

  it('works under a path prefix and limits the pull to the spaces named', async () => {
    const acme = toApi(workspaceOf(EXAMPLES));
    server = await startStandIn(acme, { key: KEY, prefix: '/octopus', pageSize: 3 });
    const dir = tree({});
    const r = await run(['pull', '--server', `${server.url}/`, '--space', 'finance', '--out', 'model'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(path.join(dir, 'model/spaces')), ['finance.space.yaml']);
    assert.deepEqual(readdirSync(path.join(dir, 'model/teams')).sort(), ['_system', 'finance']);
    assert.ok(!server.requests.some((p) => /Spaces-[23]/.test(p)), 'no other space was asked for');
    const unknown = await run(['pull', '--server', server.url, '--space', 'Nowhere', '--out', 'other'], dir);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no space named "Nowhere"/);
    assert.ok(!existsSync(path.join(dir, 'other')));
  });

  it('stops with status 1 and writes nothing when the key is refused', async () => {
    server = await startStandIn(DUMP, { key: KEY });
    const dir = tree({});
    const r = await run(['pull', '--server', server.url, '--out', 'model', '--api-key-env', 'MY_KEY', '--save-json', 'saved'], dir, { MY_KEY: 'API-WRONG' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused the API key \(HTTP 401\).*nothing written/);
    assert.ok(!existsSync(path.join(dir, 'model')) && !existsSync(path.join(dir, 'saved')));
  });

  it('takes the key from the environment only', async () => {
    const dir = tree({});
    const none = await run(['pull', '--server', 'http://127.0.0.1:9', '--out', 'model'], dir, {});
    assert.equal(none.code, 2);
    assert.match(none.stderr, /set the environment variable OCTOPUS_API_KEY/);
    const flag = await run(['pull', '--server', 'http://127.0.0.1:9', '--out', 'model', '--api-key', KEY], dir);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /environment variable only/);
  });

  it('stops with status 1 when the server cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens on it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const dir = tree({});
    const r = await run(['pull', '--server', `http://127.0.0.1:${port}`, '--out', 'model'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/spaces\/all: ECONNREFUSED; nothing written/);
    assert.ok(!existsSync(path.join(dir, 'model')));
  });

  it('stops with status 1 when the server stops answering, after the timeout', async () => {
    server = await startStandIn(DUMP, { key: KEY, hang: /scopeduserroles/ });
    const dir = tree({});
    const r = await run(['pull', '--server', server.url, '--out', 'model', '--timeout', '0.3'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no answer from .*scopeduserroles.* within 0\.3 s; nothing written/);
    assert.ok(!existsSync(path.join(dir, 'model')));
  });
});

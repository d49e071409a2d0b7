/**
 * `octopus-roles pull` against a hostile server (test/support/octopus-server.ts on loopback; a second
 * stand-in on another port is "another origin", so that what would reach it can be seen): the key and the
 * access token go only to the origin the user named, through redirects and links alike; answers are
 * bounded in size and depth; plain http to another machine is refused; and the Octopus CLI's environment
 * variables are read. Each attack ends with status 1 or 2, a message that says what happened, and nothing
 * written. No other network.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readDump } from '../../server/src/bridge/api';
import { runCli } from '../../server/src/cli';
import { HttpClient, HttpError, isLoopbackHost, serverUrl } from '../../server/src/cli/http';
import { savedParts } from '../../server/src/cli/pull';
import { dumpFiles } from '../support/dump';
import { filesIn, tree } from '../support/folders';
import { startStandIn, type StandIn, type StandInOptions } from '../support/octopus-server';

const KEY = 'API-TESTKEY0000000000000000000';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl';
const DUMP = readDump(Object.entries(dumpFiles()).map(([name, text]) => ({ name, text }))).dump;

async function run(args: string[], cwd: string, env: Record<string, string | undefined> = { OCTOPUS_API_KEY: KEY }) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env });
  return { code, stdout, stderr };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('octopus-roles pull against a hostile server', () => {
  const servers: StandIn[] = [];
  const start = async (options: Partial<StandInOptions> = {}) => {
    const s = await startStandIn(DUMP, { key: KEY, ...options });
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  /** Runs a pull that must stop with `code`, a message matching `message`, and nothing written. */
  async function refused(args: string[], message: RegExp, env?: Record<string, string | undefined>, code = 1) {
    const dir = tree({});
    const r = await run(['pull', ...args, '--out', 'model', '--save-json', 'saved'], dir, env);
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stderr, message);
    assert.ok(!existsSync(path.join(dir, 'model')) && !existsSync(path.join(dir, 'saved')), 'nothing written');
    return r;
  }

  it('never follows a redirect to another origin: the other server never sees the key or the token', async () => {
    const other = await start();
    const server = await start({ bearer: TOKEN, answer: (u) => (u.pathname === '/api/users/all' ? { status: 302, headers: { Location: `${other.url}/api/users/all` } } : undefined) });
    const target = escape(`${other.url}/api/users/all`);
    await refused(['--server', server.url], new RegExp(`/api/users/all redirects to ${target}, outside ${escape(server.url)}, the server named: refused, and nothing was sent there; nothing written`));
    await refused(['--server', server.url], new RegExp(`redirects to ${target}`), { OCTOPUS_ACCESS_TOKEN: TOKEN });
    assert.deepEqual(other.received, [], 'nothing reached the other origin');
    // The named server did see the credential, up to the redirect.
    assert.ok(server.received.some((r) => r.headers['x-octopus-apikey'] === KEY));
    assert.ok(server.received.some((r) => r.headers.authorization === `Bearer ${TOKEN}`));
  });

  it('follows at most 5 redirects within the origin', async () => {
    const server = await start({
      answer: (u) => {
        const hop = Number(u.searchParams.get('hop') ?? 0);
        return u.pathname === '/api/spaces/all' ? { status: 302, headers: { Location: `?hop=${hop + 1}` } } : undefined;
      },
    });
    const dir = tree({});
    // Spaces redirect forever: the pull stops after 5 redirects, before anything is written.
    const looped = await run(['pull', '--server', server.url, '--out', 'model'], dir);
    assert.equal(looped.code, 1);
    assert.match(looped.stderr, /\/api\/spaces\/all: more than 5 redirects; not followed further; nothing written/);
    assert.equal(server.requests.filter((p) => p.startsWith('/api/spaces/all')).length, 6, 'the first request and 5 redirects');
    assert.ok(!existsSync(path.join(dir, 'model')));
  });

  it('reads a list moved within the origin, sending the key to the new place', async () => {
    const server = await start({
      answer: (u) => {
        const hop = Number(u.searchParams.get('hop') ?? 0);
        if (u.pathname === '/api/users/all' && hop < 2) return { status: hop ? 307 : 301, headers: { Location: `/api/users/all?hop=${hop + 1}` } };
        return undefined;
      },
    });
    const plain = await start();
    const dir = tree({});
    const moved = await run(['pull', '--server', server.url, '--out', 'moved'], dir);
    assert.equal(moved.code, 0, moved.stderr);
    assert.equal(server.received.find((r) => r.path === '/api/users/all?hop=2')?.headers['x-octopus-apikey'], KEY);
    const direct = await run(['pull', '--server', plain.url, '--out', 'direct'], dir);
    assert.equal(direct.code, 0, direct.stderr);
    assert.deepEqual(filesIn(path.join(dir, 'moved')), filesIn(path.join(dir, 'direct')), 'the members from the moved list are there');
  });

  for (const [what, link] of [
    ['a protocol-relative link (//host/...)', (other: string) => `//${new URL(other).host}/api/teams/Teams-1/scopeduserroles`],
    ['a link written /\\host/...', (other: string) => `/\\${new URL(other).host}/api/teams/Teams-1/scopeduserroles`],
    ['a link with a tab that the URL parser drops (/<TAB>/host/...)', (other: string) => `/\t/${new URL(other).host}/api/teams/Teams-1/scopeduserroles`],
    ['an absolute link to another host', (other: string) => `${other}/api/teams/Teams-1/scopeduserroles`],
  ] as const) {
    it(`refuses ${what} and sends nothing there`, async () => {
      const other = await start();
      const server = await start({ scopedUserRolesLink: () => link(other.url) });
      await refused(['--server', server.url], new RegExp(`the server returned a link to ${escape(other.url)}/api/teams/Teams-1/scopeduserroles, outside ${escape(server.url)}, the server named: refused`));
      assert.deepEqual(other.received, []);
    });
  }

  it('refuses a link of another scheme', async () => {
    const server = await start({ scopedUserRolesLink: () => 'file:///etc/passwd' });
    await refused(['--server', server.url], /the server returned a link to file:\/\/\/etc\/passwd, outside/);
  });

  it('stops an answer over 64 MB while it streams, and writes nothing', async function () {
    this.timeout(60_000);
    const server = await start({ answer: (u) => (u.pathname === '/api/users/all' ? { body: { stream: 70 * 1024 * 1024 } } : undefined) });
    await refused(['--server', server.url], new RegExp(`the answer of ${escape(server.url)}/api/users/all is larger than the limit of 64 MB per answer; not read further \\(raise the limit with --max-answer-size\\); nothing written`));
  });

  it('takes a lower limit from --max-answer-size, and refuses a declared Content-Length over it before reading', async () => {
    // 30 KB of users; every other answer of the stand-in is under 8 KB.
    const big = JSON.stringify(DUMP.users.map((u) => ({ ...u, DisplayName: 'x'.repeat(10_000) })));
    const server = await start({ answer: (u) => (u.pathname === '/api/users/all' ? { body: big } : undefined) });
    await refused(['--server', server.url, '--max-answer-size', '16KB'], /the answer of .*\/api\/users\/all is 29\.5 KB, over the limit of 16 KB per answer/);
    const streamed = await start({ answer: (u) => (u.pathname === '/api/users/all' ? { body: { stream: 100_000 } } : undefined) });
    await refused(['--server', streamed.url, '--max-answer-size', '16KB'], /\/api\/users\/all is larger than the limit of 16 KB per answer/);
    const dir = tree({});
    const wrong = await run(['pull', '--server', server.url, '--out', 'm', '--max-answer-size', '1GB'], dir);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--max-answer-size: at most 256 MB/);
  });

  it('stops when the answers together pass the limit of the whole pull, and refuses a key a header cannot carry', async () => {
    const server = await start();
    const client = new HttpClient({ server: new URL(server.url), credential: { kind: 'api-key', secret: KEY }, timeoutMs: 5000, maxAnswerBytes: 6 * 1024, maxTotalBytes: 8 * 1024 });
    const roles = await client.get(client.resolve('/api/userroles/all'));
    assert.equal(roles.status, 200);
    assert.ok(roles.text.length > 4 * 1024 && roles.text.length < 6 * 1024, String(roles.text.length));
    await assert.rejects(client.get(client.resolve('/api/userroles/all')), /the answers up to .*\/api\/userroles\/all pass 8 KB together, the most one client reads; not read further/);
    assert.throws(() => new HttpClient({ server: new URL(server.url), credential: { kind: 'bearer', secret: 'abc\r\nX-Other: 1' }, timeoutMs: 5000, maxAnswerBytes: 1024, maxTotalBytes: 1024 }), /characters an HTTP header cannot carry/);
  });

  it('refuses an answer nested deeper than any Octopus resource, with a message and no crash', async () => {
    const deep = `[{"Id":"Users-9","Username":"deep","X":${'['.repeat(100_000)}${']'.repeat(100_000)}}]`;
    const server = await start({ answer: (u) => (u.pathname === '/api/users/all' ? { body: deep } : undefined) });
    await refused(['--server', server.url], /the answer of .*\/api\/users\/all is nested more than 64 levels deep \(at character \d+\), which no Octopus resource is; not read; nothing written/);
  });

  it('keeps with --save-json only what import reads: no e-mail addresses, no links', async () => {
    const server = await start({ answer: (u) => (u.pathname === '/api/users/all' ? { body: JSON.stringify(DUMP.users.map((x) => ({ ...x, EmailAddress: `${x.Username}@example.com`, Links: { Self: '/api/x' } }))) } : undefined) });
    const dir = tree({});
    const r = await run(['pull', '--server', server.url, '--out', 'model', '--save-json', 'saved'], dir);
    assert.equal(r.code, 0, r.stderr);
    const users = readFileSync(path.join(dir, 'saved/users.json'), 'utf8');
    assert.match(users, /"Username": "alice"/);
    assert.doesNotMatch(users, /EmailAddress|example\.com|Links/);
    const again = await run(['import', '--from', 'saved', '--out', 'again'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(filesIn(path.join(dir, 'again')), filesIn(path.join(dir, 'model')));
  });

  it('splits a long list that --save-json keeps into files that each read back', () => {
    const items = [{ Id: 'Users-1', Username: 'a\u2028b' }, { Id: 'Users-2', Username: 'c' }, { Id: 'Users-3', Username: 'd' }];
    assert.deepEqual(savedParts('users.json', items), [['users.json', JSON.stringify(items, null, 2) + '\n']]);
    const parts = savedParts('users.json', items, 60);
    assert.deepEqual(parts.map(([name]) => name), ['users.json', 'users-2.json', 'users-3.json']);
    assert.deepEqual(parts.flatMap(([, text]) => JSON.parse(text) as unknown[]), items);
    assert.deepEqual(savedParts('Spaces-1-tenants.json', []), [['Spaces-1-tenants.json', '[]\n']]);
  });

  it('refuses plain http to a host that is not this machine, unless --insecure-http', async () => {
    // `.invalid` never resolves: had the check let it through, the message would be "cannot reach".
    const r = await refused(['--server', 'http://octopus.invalid'], /http:\/\/octopus\.invalid is plain http: the API key would cross the network unencrypted.*Use https, or add --insecure-http/, undefined, 2);
    assert.doesNotMatch(r.stderr, /cannot reach/);
    await refused([], /plain http.*\(the server is OCTOPUS_URL\)/, { OCTOPUS_URL: 'http://10.1.2.3:8080', OCTOPUS_API_KEY: KEY }, 2);
    for (const host of ['octopus.invalid', '10.1.2.3', '128.0.0.1', '[::2]', 'localhost.example.com', '127.0.0.1.nip.io']) {
      assert.throws(() => serverUrl(`http://${host}/`, false), HttpError, host);
      assert.equal(serverUrl(`http://${host}/`, true).protocol, 'http:', host);
      assert.equal(serverUrl(`https://${host}/`, false).protocol, 'https:', host);
    }
    for (const host of ['127.0.0.1', '127.1', '127.255.0.9', 'LOCALHOST', '[::1]', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]']) {
      assert.ok(isLoopbackHost(new URL(`http://${host}/`).hostname), host);
      assert.equal(serverUrl(`http://${host}:8080/octopus`, false).pathname, '/octopus', host);
    }
    assert.throws(() => serverUrl('https://admin:secret@octopus.example.com', false), /user name or password in the URL is not sent/);
    assert.throws(() => serverUrl('ftp://octopus.example.com', false), /only http and https/);
  });

  it('resolves every link against the named server and refuses those that leave its origin', () => {
    const client = new HttpClient({ server: new URL('https://octopus.example.com:8443/octopus/'), credential: { kind: 'api-key', secret: KEY }, timeoutMs: 1000, maxAnswerBytes: 1024, maxTotalBytes: 4096 });
    for (const link of ['/api/spaces/all', 'api/spaces/all', '?skip=30', 'https://octopus.example.com:8443/octopus/api/x', '/./api//x']) {
      assert.equal(client.resolve(link).origin, 'https://octopus.example.com:8443', link);
    }
    for (const link of ['//evil.example/api', '/\\evil.example/api', '\\\\evil.example\\api', '/\n/evil.example/api', 'https://evil.example/api', 'http://octopus.example.com:8443/api', 'https://octopus.example.com/api', 'file:///etc/passwd', 'javascript:alert(1)', 'data:application/json,[]']) {
      assert.throws(() => client.resolve(link), /outside https:\/\/octopus\.example\.com:8443, the server named: refused/, JSON.stringify(link));
    }
  });

  it('reads the server from OCTOPUS_URL and an access token from OCTOPUS_ACCESS_TOKEN, sent as a bearer token', async () => {
    const server = await start({ key: 'API-NOT-GIVEN', bearer: TOKEN });
    const dir = tree({});
    const r = await run(['pull', '--out', 'model'], dir, { OCTOPUS_URL: server.url, OCTOPUS_ACCESS_TOKEN: TOKEN });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(path.join(dir, 'model/teams/finance/finance-deployers.team.yaml')));
    assert.ok(server.received.length > 10);
    for (const { path: p, headers } of server.received) {
      assert.equal(headers.authorization, `Bearer ${TOKEN}`, p);
      assert.equal(headers['x-octopus-apikey'], undefined, p);
    }
    // With both, the API key is used; a refused token says "access token".
    const both = await start();
    const withKey = await run(['pull', '--out', 'm2'], dir, { OCTOPUS_URL: both.url, OCTOPUS_API_KEY: KEY, OCTOPUS_ACCESS_TOKEN: TOKEN });
    assert.equal(withKey.code, 0, withKey.stderr);
    assert.ok(both.received.every((x) => x.headers['x-octopus-apikey'] === KEY && x.headers.authorization === undefined));
    await refused([], /the server refused the access token \(HTTP 401\)/, { OCTOPUS_URL: both.url, OCTOPUS_ACCESS_TOKEN: 'wrong' });
    await refused([], /no API key: set the environment variable OCTOPUS_API_KEY .*or OCTOPUS_ACCESS_TOKEN/, { OCTOPUS_URL: both.url }, 2);
  });
});

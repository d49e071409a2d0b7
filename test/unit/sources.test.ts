/**
 * The loader's source seam (server/src/node/source.ts, git.ts): a folder and a git revision of the same
 * tree load the same workspace, rule by rule (skipped folders, `exclude`, the Terraform switch,
 * `maxFileSize`, decoding, configuration chains, links, submodules), and `diff HEAD` on an unchanged
 * working tree sees no change. Then what only a revision has: missing objects, PATHs on one side, and a
 * hostile repository configuration that must never make git fetch or run anything.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPaths } from '../../server/src/cli/load';
import { GitRevision } from '../../server/src/node/git';
import { pathToUri, Project } from '../../server/src/node/project';
import { memorySource, type Source } from '../../server/src/node/source';
import { finalDiagnostics, normaliseEditorSettings } from '../../server/src/service';
import { check, tree } from '../support/folders';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'protocol.file.allow=always', ...args], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8');
}

/** `dir` made a repository with everything committed. */
function commitAll(dir: string, message = 'base'): string {
  if (!existsSync(path.join(dir, '.git'))) git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', message);
  return dir;
}

const role = (name: string, extra = '') => `name: ${name}\nspacePermissions: [ProjectView]\n${extra}`;
/** A role of about 1.9 KB: over a 1 KB limit, under 2 MB. */
const BIG = role('Big', `description: ${'x'.repeat(1900)}\n`);
const tf = (address: string, name: string, pad = '') => `resource "octopusdeploy_user_role" "${address}" {\n  name = "${name}"\n  granted_space_permissions = ["ProjectView"]\n}\n${pad}`;

/** What a load gave: every finding (of files and configuration files) and every document, sorted. */
interface Loaded {
  findings: string[];
  docs: string[];
}

async function load(dir: string, paths: string[], source?: Source): Promise<Loaded> {
  const loaded = await loadPaths(paths, { stderr: () => undefined, cwd: dir }, { source });
  assert.notEqual(loaded, 2);
  if (loaded === 2) throw new Error('unreachable');
  const { project } = loaded;
  const rel = (p: string) => path.relative(dir, p).split(path.sep).join('/');
  const findings: string[] = [];
  const docs: string[] = [];
  for (const uri of project.ws.uris()) {
    for (const d of finalDiagnostics(project.ws, uri, project.settingsFor(uri))) findings.push(`${rel(fileURLToPath(uri))}:${d.code}:${d.severity}`);
    for (const doc of project.ws.model(uri)?.docs ?? []) docs.push(`${doc.kind}:${doc.name?.value}`);
  }
  for (const c of project.configFiles()) for (const d of c.diagnostics) findings.push(`${rel(c.path)}:${d.code}`);
  return { findings: findings.sort(), docs: docs.sort() };
}

interface Row {
  readonly rule: string;
  readonly files: Record<string, string | Buffer>;
  /** Links to make: path -> target. */
  readonly links?: Record<string, string>;
  readonly paths?: string[];
  readonly findings: string[];
  readonly docs: string[];
}

/** The loader's rules, each read from a folder and from a git revision of it (SPEC sections 3, 4, 7, 9). */
const ROWS: Row[] = [
  {
    rule: 'node_modules and dot-folders are skipped below a root; a dot-folder named as a PATH is read',
    files: { 'node_modules/x/n.role.yaml': role('N'), '.hidden/h.role.yaml': role('H'), '.other/o.role.yaml': role('O'), 'roles/r.role.yaml': role('R') },
    paths: ['.', '.hidden'],
    findings: [],
    docs: ['role:H', 'role:R'],
  },
  {
    rule: 'exclude globs, relative to their configuration file, the nearest one deciding; a file named as a PATH is read whatever exclude says',
    files: {
      '.octopus-roles.yaml': 'exclude:\n  - legacy/**\n',
      'legacy/old.role.yaml': role('Old'),
      'legacy/older.role.yaml': role('Older'),
      'roles/.octopus-roles.yaml': 'exclude: [draft-*]\n',
      'roles/draft-x.role.yaml': role('Draft'),
      'roles/r.role.yaml': role('R'),
    },
    paths: ['.', 'legacy/old.role.yaml'],
    findings: [],
    docs: ['role:Old', 'role:R'],
  },
  {
    rule: 'the Terraform switch of the nearest configuration file, and the size limit, apply to .tf files',
    files: {
      '.octopus-roles.yaml': 'maxFileSize: 1KB\n',
      'infra/main.tf': tf('deployer', 'TfDeployer'),
      'infra/big.tf': tf('big', 'TfBig', `# ${'x'.repeat(1500)}\n`),
      'legacy-tf/.octopus-roles.yaml': 'terraform: false\n',
      'legacy-tf/old.tf': tf('old', 'TfOld'),
    },
    findings: ['infra/big.tf:file-too-large:warning'],
    docs: ['role:TfDeployer'],
  },
  {
    rule: 'maxFileSize from the configuration chain: a file over it is file-too-large and not analysed',
    files: { '.octopus-roles.yaml': 'maxFileSize: 1KB\n', 'big.role.yaml': BIG, 'small.role.yaml': role('Small'), 'roomy/.octopus-roles.yaml': 'maxFileSize: 4KB\n', 'roomy/big.role.yaml': BIG.replace('Big', 'Roomy') },
    findings: ['big.role.yaml:file-too-large:warning'],
    docs: ['role:Roomy', 'role:Small'],
  },
  {
    rule: 'decoding: Latin-1 and UTF-16 are unreadable-file, a UTF-8 byte-order mark is dropped',
    files: {
      'latin.role.yaml': Buffer.from('name: Caf\xe9\nspacePermissions: [ProjectView]\n', 'latin1'),
      'utf16.role.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(role('Wide'), 'utf16le')]),
      'bom.role.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(role('Bom'))]),
    },
    findings: ['latin.role.yaml:unreadable-file:error', 'utf16.role.yaml:unreadable-file:error'],
    docs: ['role:Bom'],
  },
  {
    rule: 'configuration chains: key by key from the root down; a configuration file that links to another inside the repository is read, a Latin-1 one is not',
    files: {
      '.octopus-roles.yaml': 'rules:\n  empty-role: error\n  duplicate-permission: error\n',
      'sub/.octopus-roles.yaml': 'rules:\n  duplicate-permission: off\n',
      'sub/empty.role.yaml': 'name: Empty\n',
      'sub/dup.role.yaml': 'name: Dup\nspacePermissions: [ProjectView, ProjectView]\n',
      'linked/dup.role.yaml': 'name: Dup2\nspacePermissions: [ProjectView, ProjectView]\n',
      'latin/.octopus-roles.yaml': Buffer.from('# caf\xe9\nrules:\n  empty-role: off\n', 'latin1'),
      'latin/empty.role.yaml': 'name: Empty2\n',
    },
    links: { 'linked/.octopus-roles.yaml': '../sub/.octopus-roles.yaml' },
    findings: ['latin/.octopus-roles.yaml:unreadable-file', 'latin/empty.role.yaml:empty-role:error', 'sub/empty.role.yaml:empty-role:error'],
    docs: ['role:Dup', 'role:Dup2', 'role:Empty', 'role:Empty2'],
  },
  {
    rule: 'symbolic links: followed inside the workspace (a file once), not out of it; dangling and looping links are unreadable-file',
    files: { 'a.role.yaml': role('A'), 'real/x.role.yaml': role('X') },
    links: {
      'links/l.role.yaml': '../a.role.yaml',
      'alias': 'real',
      'out.role.yaml': '/etc/passwd',
      'dangling.role.yaml': 'nowhere.role.yaml',
      'loop.role.yaml': 'loop.role.yaml',
    },
    findings: ['dangling.role.yaml:unreadable-file:error', 'loop.role.yaml:unreadable-file:error'],
    docs: ['role:A', 'role:X'],
  },
];

function make(row: Row): string {
  const dir = tree(row.files);
  for (const [at, target] of Object.entries(row.links ?? {})) {
    mkdirSync(path.dirname(path.join(dir, at)), { recursive: true });
    symlinkSync(target, path.join(dir, at));
  }
  return commitAll(dir);
}

describe('the loader reads a folder and a git revision of it alike', () => {
  for (const row of ROWS) {
    it(row.rule, async () => {
      const dir = make(row);
      const paths = row.paths ?? [];
      const fromFolder = await load(dir, paths);
      const fromRevision = await load(dir, paths, new GitRevision(dir, 'HEAD'));
      assert.deepEqual(fromFolder, { findings: row.findings, docs: row.docs }, 'the folder');
      assert.deepEqual(fromRevision, { findings: row.findings, docs: row.docs }, 'the revision');
    });
  }
});

describe('the loader reads the same files held in memory alike (the source diff --live loads a dump through)', () => {
  for (const row of ROWS.filter((r) => !r.links)) {
    it(row.rule, async () => {
      // A folder that does not exist on disk: everything comes from the memory source.
      const root = path.join(tmpdir(), `octopus-roles-memory-${process.pid}`);
      const source = memorySource(root, new Map(Object.entries(row.files).map(([rel, content]) => [rel, typeof content === 'string' ? content : new Uint8Array(content)])));
      const got = await load(root, row.paths ?? ['.'], source);
      assert.deepEqual(got, { findings: [...row.findings].sort(), docs: [...row.docs].sort() });
    });
  }
});

describe('diff HEAD on an unchanged working tree sees no change, whatever the loader rule', () => {
  for (const row of ROWS) {
    it(row.rule, async () => {
      const dir = make(row);
      const r = await check(['diff', 'HEAD', ...(row.paths ?? [])], dir);
      assert.match(r.stdout, /No role, team or space changed\.\n[\s\S]*Nobody's access changed\./, r.stdout + r.stderr);
      const errors = row.findings.filter((f) => f.endsWith(':error')).length;
      assert.equal(r.code, errors ? 1 : 0, r.stderr);
      if (errors) assert.match(r.stderr, new RegExp(`${errors} errors? in HEAD, ${errors} in working tree`));
    });
  }

  it('with maxFileSize: 1KB and a 1.9 KB role: exit 0, no change (it printed "removed role Big")', async () => {
    const dir = commitAll(tree({ '.octopus-roles.yaml': 'maxFileSize: 1KB\n', 'big.role.yaml': BIG, 'small.role.yaml': role('Small') }));
    const r = await check(['diff', 'HEAD'], dir);
    assert.doesNotMatch(r.stdout, /removed role Big/);
    assert.match(r.stdout, /No role, team or space changed\./);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('submodules: the working tree leaves them out, as a revision must', () => {
  const SKIPPED = /skipped (HEAD:)?vendor: a git submodule/;

  function withSubmodule(): string {
    const inner = commitAll(tree({ 'inner.role.yaml': role('Inner') }));
    const dir = tree({ 'a.role.yaml': role('A') });
    git(dir, 'init', '-q');
    git(dir, 'submodule', 'add', '-q', inner, 'vendor');
    // A repository cloned inside, added as it stands (git records it as a gitlink too).
    const nested = tree({ 'nested.role.yaml': role('Nested') });
    commitAll(nested);
    execFileSync('mv', [nested, path.join(dir, 'embedded')]);
    return commitAll(dir);
  }

  it('reads the same files from the working tree and from HEAD, and diff HEAD sees no change', async () => {
    const dir = withSubmodule();
    const docs = ['role:A'];
    assert.deepEqual((await load(dir, [])).docs, docs);
    assert.deepEqual((await load(dir, [], new GitRevision(dir, 'HEAD'))).docs, docs);
    const r = await check(['diff', 'HEAD'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /No role, team or space changed\./);
    assert.match(r.stderr, SKIPPED);
    const c = await check(['check'], dir);
    assert.match(c.stderr, /skipped vendor: a git submodule/);
    assert.match(c.stderr, /skipped embedded: a git submodule/);
  });

  it('is read when it is the folder opened, and repositories side by side in a plain folder are each read', async () => {
    const dir = withSubmodule();
    assert.deepEqual((await load(path.join(dir, 'vendor'), [])).docs, ['role:Inner']);
    const parent = tree({});
    for (const name of ['one', 'two']) {
      mkdirSync(path.join(parent, name));
      writeFileSync(path.join(parent, name, `${name}.role.yaml`), role(name));
      commitAll(path.join(parent, name));
    }
    assert.deepEqual((await load(parent, [])).docs, ['role:one', 'role:two']);
  });

  it("is not read by the server on a file watcher's event either", async () => {
    const dir = withSubmodule();
    const project = new Project(() => undefined);
    project.addFolder(pathToUri(dir), normaliseEditorSettings({}));
    await project.scan();
    const inner = pathToUri(path.join(dir, 'vendor', 'inner.role.yaml'));
    await project.loadFromDisk(inner);
    assert.equal(project.ws.has(inner), false);
    const own = pathToUri(path.join(dir, 'b.role.yaml'));
    writeFileSync(path.join(dir, 'b.role.yaml'), role('B'));
    await project.loadFromDisk(own);
    assert.equal(project.ws.has(own), true);
  });
});

describe('diff: PATHs and missing objects', () => {
  it('exits 2 when a PATH names nothing on either side, and compares a PATH that exists on one side only', async () => {
    const dir = commitAll(tree({ 'roles/a.role.yaml': role('A'), 'old/o.role.yaml': role('Old') }));
    for (const args of [['HEAD', 'HEAD', 'nosuch'], ['HEAD', 'nosuch']]) {
      const r = await check(['diff', ...args], dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /nosuch: no such file or folder in HEAD or (HEAD|working tree)/);
    }
    rmSync(path.join(dir, 'old'), { recursive: true });
    const removed = await check(['diff', 'HEAD', 'old'], dir);
    assert.match(removed.stdout, /removed role Old/, removed.stderr);
    git(dir, 'commit', '-qam', 'old goes');
    const between = await check(['diff', 'HEAD~1', 'HEAD', 'old'], dir);
    assert.match(between.stdout, /removed role Old/, between.stderr);
  });

  it('exits 2 naming the path and the object when a blob is missing from the repository', async () => {
    const dir = commitAll(tree({ 'a.role.yaml': role('A') }));
    writeFileSync(path.join(dir, 'a.role.yaml'), role('A', 'systemPermissions: [UserView]\n'));
    commitAll(dir, 'widen');
    const oid = git(dir, 'rev-parse', 'HEAD~1:a.role.yaml').trim();
    unlinkSync(path.join(dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2)));
    const r = await check(['diff', 'HEAD~1', 'HEAD'], dir);
    assert.equal(r.code, 2, r.stdout);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`HEAD~1:a\\.role\\.yaml: object ${oid} is missing from this repository`));
  });
});

describe('a hostile repository configuration never makes git fetch or run anything', () => {
  /**
   * A partial clone (`--filter=blob:none` over file://) whose HEAD~1 blob was never fetched, its promisor
   * remote then pointed at a command that writes `marker`, in one of two ways.
   */
  const bases: string[] = [];
  after(() => bases.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function partialClone(how: 'ext' | 'uploadpack'): { dir: string; marker: string; oid: string } {
    const base = mkdtempSync(path.join(tmpdir(), 'octopus-roles-promisor-'));
    bases.push(base);
    const origin = path.join(base, 'origin');
    mkdirSync(origin);
    writeFileSync(path.join(origin, 'a.role.yaml'), role('A'));
    commitAll(origin);
    writeFileSync(path.join(origin, 'a.role.yaml'), role('A', 'systemPermissions: [UserView]\n'));
    commitAll(origin, 'widen');
    git(origin, 'config', 'uploadpack.allowFilter', 'true');
    const dir = path.join(base, 'clone');
    git(base, 'clone', '-q', '--filter=blob:none', `file://${origin}`, dir);
    const oid = git(origin, 'rev-parse', 'HEAD~1:a.role.yaml').trim();
    const marker = path.join(base, 'marker');
    const script = path.join(base, 'evil.sh');
    writeFileSync(script, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    if (how === 'ext') {
      git(dir, 'config', 'remote.origin.url', `ext::sh -c touch% ${marker}`);
      git(dir, 'config', 'protocol.ext.allow', 'always');
    } else {
      git(dir, 'config', 'remote.origin.uploadpack', `${script}; git-upload-pack`);
      git(dir, 'config', 'protocol.file.allow', 'always');
    }
    git(dir, 'config', 'protocol.allow', 'always');
    git(dir, 'config', 'core.fsmonitor', script);
    git(dir, 'config', 'core.hooksPath', base);
    for (const hook of ['post-checkout', 'reference-transaction', 'post-merge']) writeFileSync(path.join(base, hook), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    return { dir, marker, oid };
  }

  for (const how of ['ext', 'uploadpack'] as const) {
    it(`${how === 'ext' ? 'an ext:: promisor remote' : 'a promisor remote whose uploadpack is a command'}: diff exits 2 naming the missing object, and nothing runs`, async () => {
      const { dir, marker, oid } = partialClone(how);
      assert.equal(existsSync(marker), false, 'the set-up ran nothing');
      const r = await check(['diff', 'HEAD~1'], dir);
      assert.equal(existsSync(marker), false, 'git ran the command the repository named');
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`HEAD~1:a\\.role\\.yaml: object ${oid} is missing from this repository`));
      // What the clone has is read as usual, still without running anything.
      const head = await check(['diff', 'HEAD'], dir);
      assert.equal(head.code, 0, head.stderr);
      assert.equal(existsSync(marker), false);
    });
  }
});

/**
 * `check --fix` never loses data and cannot be redirected (SPEC section 7): links, hard links, modes,
 * owners, read-only files, files with syntax errors or conflict markers, planted temporary files, a file
 * that changed after it was checked, and a reader that closes the output early.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeFixed } from '../../server/src/cli/write';
import { check } from '../support/folders';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BROKEN = 'name: R\nspacePermissions:\n  - ProjectView\n  - ProjectView\n';
const FIXED = 'name: R\nspacePermissions:\n  - ProjectView\n';

describe('check --fix: data safety', () => {
  let dir: string;
  let outside: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-fixsafe-'));
    outside = mkdtempSync(path.join(tmpdir(), 'octopus-roles-fixsafe-out-'));
    mkdirSync(path.join(dir, '.git'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  const put = (name: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const read = (p: string) => readFileSync(p, 'utf8');

  it('keeps a symbolic link a link and fixes its target in the workspace in place', async () => {
    const target = put('.store/r.role.yaml', BROKEN); // a dot-folder is not scanned: the link is the only way in
    symlinkSync('.store/r.role.yaml', path.join(dir, 'r.role.yaml'));
    const run = await check(['check', '--fix'], dir);
    assert.match(run.stdout, /^r\.role\.yaml: fixed 1 problem$/m);
    assert.ok(lstatSync(path.join(dir, 'r.role.yaml')).isSymbolicLink(), 'still a link');
    assert.equal(readlinkSync(path.join(dir, 'r.role.yaml')), '.store/r.role.yaml');
    assert.equal(read(target), FIXED);
  });

  it('skips a link whose target is outside the workspace, with a message, and changes neither', async () => {
    const victim = path.join(outside, 'x.role.yaml');
    writeFileSync(victim, BROKEN);
    mkdirSync(path.join(dir, 'roles'));
    symlinkSync(victim, path.join(dir, 'roles/x.role.yaml'));
    const run = await check(['check', '--fix', 'roles/x.role.yaml'], dir);
    assert.match(run.stderr, /roles\/x\.role\.yaml: not fixed: it is a symbolic link to .*, outside the workspace/);
    assert.ok(lstatSync(path.join(dir, 'roles/x.role.yaml')).isSymbolicLink());
    assert.equal(read(victim), BROKEN);
  });

  it('keeps hard links (the same inode) and the mode under any umask', async () => {
    const file = put('r.role.yaml', BROKEN);
    const twin = path.join(outside, 'twin.role.yaml');
    linkSync(file, twin);
    const exe = put('x.role.yaml', BROKEN.replace('R', 'X'));
    chmodSync(exe, 0o754);
    const plain = put('p.role.yaml', BROKEN.replace('R', 'P'));
    chmodSync(plain, 0o644);
    const { ino } = statSync(file);
    const old = process.umask(0o077);
    try {
      await check(['check', '--fix'], dir);
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(file).ino, ino);
    assert.equal(read(twin), FIXED, 'the other name sees the fix');
    assert.equal(statSync(exe).mode & 0o7777, 0o754);
    assert.equal(statSync(plain).mode & 0o7777, 0o644);
    assert.equal(read(plain), FIXED.replace('R', 'P'));
  });

  it("keeps the file's owner", async function () {
    if (process.getuid?.() !== 0) this.skip(); // only root can give a file to someone else
    const file = put('r.role.yaml', BROKEN);
    chownSync(file, 4321, 4322);
    await check(['check', '--fix'], dir);
    assert.equal(read(file), FIXED);
    assert.deepEqual([statSync(file).uid, statSync(file).gid], [4321, 4322]);
  });

  it('refuses read-only files, files with YAML syntax errors and files with merge-conflict markers, saying why', async () => {
    const readOnly = put('ro.role.yaml', BROKEN);
    chmodSync(readOnly, 0o444);
    const syntax = put('syntax.role.yaml', BROKEN + 'description: "unclosed\n');
    // Both sides of the conflict keep ProjectView: it looks like a duplicate, and one used to be deleted.
    const conflict = put('conflict.role.yaml', 'name: C\nspacePermissions:\n<<<<<<< HEAD\n  - ProjectView\n=======\n  - ProjectView\n>>>>>>> theirs\n');
    const before = [readOnly, syntax, conflict].map(read);
    const run = await check(['check', '--fix'], dir);
    assert.deepEqual([readOnly, syntax, conflict].map(read), before);
    assert.match(run.stderr, /ro\.role\.yaml: not fixed: it is read-only/);
    assert.match(run.stderr, /syntax\.role\.yaml: not fixed: it has YAML syntax errors/);
    assert.match(run.stderr, /conflict\.role\.yaml: not fixed: it has merge-conflict markers/);
    assert.equal(statSync(readOnly).mode & 0o777, 0o444);
  });

  it('creates its temporary file exclusively with an unpredictable name: a planted link is not written through', async () => {
    const file = put('r.role.yaml', BROKEN);
    const victim = path.join(outside, 'victim');
    writeFileSync(victim, 'precious\n');
    // The old writer's temporary name was predictable from the process id.
    symlinkSync(victim, `${file}.octopus-roles-${process.pid}.tmp`);
    await check(['check', '--fix'], dir);
    assert.equal(read(victim), 'precious\n');
    assert.ok(!lstatSync(file).isSymbolicLink());
    assert.equal(read(file), FIXED);
    assert.deepEqual(readdirSync(dir).sort(), ['.git', 'r.role.yaml', `r.role.yaml.octopus-roles-${process.pid}.tmp`], 'no temporary file is left');
  });

  it('writes only if the file still holds the text that was checked', () => {
    const file = put('r.role.yaml', 'name: R\nspacePermissions: [ProjectView, ProjectView, TaskView]\n');
    const why = writeFixed(file, BROKEN, FIXED, { roots: [dir] });
    assert.match(why ?? '', /changed after it was checked/);
    assert.equal(read(file), 'name: R\nspacePermissions: [ProjectView, ProjectView, TaskView]\n');
  });

  it('ends quietly when the reader closes the output (| head -1), leaving each file whole', function () {
    this.timeout(60000);
    const names = Array.from({ length: 300 }, (_, i) => `r${String(i).padStart(3, '0')}.role.yaml`);
    for (const [i, name] of names.entries()) put(name, BROKEN.replace('R', `R${i}`));
    const run = spawnSync('sh', ['-c', `node "${path.join(ROOT, 'bin/octopus-roles.js')}" check --fix | head -1`], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.stderr, '', 'no crash, no message');
    assert.equal(run.stdout.split('\n').filter(Boolean).length, 1);
    let fixed = 0;
    for (const [i, name] of names.entries()) {
      const text = read(path.join(dir, name));
      assert.ok(text === BROKEN.replace('R', `R${i}`) || text === FIXED.replace('R', `R${i}`), `${name} is whole: ${JSON.stringify(text)}`);
      if (text !== BROKEN.replace('R', `R${i}`)) fixed++;
    }
    assert.ok(fixed >= 1, 'the first file was fixed before its line was printed');
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
  });
  it('stops after the file being fixed when interrupted (Ctrl-C), with status 130', async function () {
    this.timeout(60000);
    const names = Array.from({ length: 1000 }, (_, i) => `r${String(i).padStart(4, '0')}.role.yaml`);
    for (const [i, name] of names.entries()) put(name, BROKEN.replace('R', `R${i}`));
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/octopus-roles.js'), 'check', '--fix'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Interrupt as soon as the first file is reported fixed.
    child.stdout.once('data', () => child.kill('SIGINT'));
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    assert.equal(stderr, '');
    let fixed = 0;
    for (const [i, name] of names.entries()) {
      const text = read(path.join(dir, name));
      assert.ok(text === BROKEN.replace('R', `R${i}`) || text === FIXED.replace('R', `R${i}`), `${name} is whole`);
      if (text !== BROKEN.replace('R', `R${i}`)) fixed++;
    }
    assert.ok(fixed >= 1 && fixed < names.length, `${fixed} of ${names.length} fixed before it stopped`);
    assert.equal(status, 130);
  });
});

/**
 * The one writer of `import`, `pull --save-json` and `export` (server/src/cli/write.ts) cannot be
 * redirected and writes every file of a run or none: links planted at the temporary names the commands
 * used to write through, links at destinations (dangling ones too), a linked folder below `--out`, a
 * failure in the middle of a run. Every case compares the disk, inside and outside the output folder, with
 * what it was.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readDump } from '../../server/src/bridge/api';
import { runCli } from '../../server/src/cli';
import { writeFiles, type WriteStep } from '../../server/src/cli/write';
import { dumpFiles } from '../support/dump';
import { filesIn, tree } from '../support/folders';
import { startStandIn, type StandIn } from '../support/octopus-server';

const KEY = 'API-TESTKEY0000000000000000000';
const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'octopus-roles.js');
const PRECIOUS = 'precious\n';
/** The name of a temporary file of the writer: `.NAME.` and 18 hex digits. */
const TEMP = /^\..*\.[0-9a-f]{18}\.(tmp|old)$/;

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: { OCTOPUS_API_KEY: KEY } });
  return { code, stdout, stderr };
}

interface Entry {
  readonly kind: 'file' | 'link' | 'folder';
  readonly ino: number;
  readonly mode: number;
  readonly content: string;
}

/** Everything below `root`, by relative path: kind, inode, mode, and a file's text or a link's target. */
function snapshot(root: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(full);
      const kind = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'folder' : 'file';
      out.set(r, { kind, ino: st.ino, mode: st.mode & 0o7777, content: kind === 'link' ? readlinkSync(full) : kind === 'file' ? readFileSync(full, 'utf8') : '' });
      if (kind === 'folder') walk(full, r);
    }
  };
  walk(root, '');
  return out;
}

/** Names of the writer's temporary files anywhere below `root`. */
function temporaries(root: string): string[] {
  return [...snapshot(root).keys()].filter((rel) => TEMP.test(path.basename(rel)));
}

describe('writing files for import, pull and export', () => {
  let dir: string;
  let outside: string;
  let victim: string;
  /** The files an import of the test dump writes, relative to --out. */
  let imported: Map<string, string>;
  beforeEach(async () => {
    dir = tree(Object.fromEntries(Object.entries(dumpFiles()).map(([k, v]) => [`dump/${k}`, v])));
    outside = mkdtempSync(path.join(tmpdir(), 'octopus-roles-write-out-'));
    victim = path.join(outside, 'victim');
    writeFileSync(victim, PRECIOUS);
    const first = await run(['import', '--from', 'dump', '--out', 'scratch'], dir);
    assert.equal(first.code, 0, first.stderr);
    imported = filesIn(path.join(dir, 'scratch'));
    rmSync(path.join(dir, 'scratch'), { recursive: true });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  const at = (rel: string) => path.join(dir, rel);

  describe('import', () => {
    it('writes through no link planted at its old temporary names (FILE.PID.tmp)', async () => {
      for (const rel of imported.keys()) {
        mkdirSync(path.dirname(at(`model/${rel}`)), { recursive: true });
        symlinkSync(victim, at(`model/${rel}.${process.pid}.tmp`));
      }
      const r = await run(['import', '--from', 'dump', '--out', 'model'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(victim, 'utf8'), PRECIOUS);
      for (const [rel, text] of imported) {
        assert.ok(lstatSync(at(`model/${rel}`)).isFile(), `${rel} is a file of its own`);
        assert.equal(readFileSync(at(`model/${rel}`), 'utf8'), text);
        assert.equal(readlinkSync(at(`model/${rel}.${process.pid}.tmp`)), victim, 'the planted link is left alone');
      }
      assert.deepEqual(temporaries(dir), []);
    });

    it('refuses a dangling link at a destination without --force; with it, replaces links and never writes through them', async () => {
      const [first, second] = [...imported.keys()].filter((rel) => rel.startsWith('roles/'));
      mkdirSync(at('model/roles'), { recursive: true });
      const nowhere = path.join(outside, 'created-through-the-link');
      symlinkSync(nowhere, at(`model/${first}`));
      const before = snapshot(dir);
      const refused = await run(['import', '--from', 'dump', '--out', 'model'], dir);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /1 file exists already \(model\/roles\/.*\); nothing written\. Use --force/);
      assert.deepEqual(snapshot(dir), before, 'nothing written, the link untouched');
      assert.ok(!existsSync(nowhere));

      symlinkSync(victim, at(`model/${second}`));
      const forced = await run(['import', '--from', 'dump', '--out', 'model', '--force'], dir);
      assert.equal(forced.code, 0, forced.stderr);
      for (const rel of [first, second]) {
        assert.ok(!lstatSync(at(`model/${rel}`)).isSymbolicLink(), `${rel}: the link itself is replaced`);
        assert.equal(readFileSync(at(`model/${rel}`), 'utf8'), imported.get(rel));
      }
      assert.equal(readFileSync(victim, 'utf8'), PRECIOUS);
      assert.ok(!existsSync(nowhere), "the dangling link's target is not created");
      assert.deepEqual(temporaries(dir), []);
    });

    it('refuses a folder below --out that is a symbolic link, and writes nothing, inside or out', async () => {
      mkdirSync(at('model'));
      mkdirSync(path.join(outside, 'teams'));
      symlinkSync(path.join(outside, 'teams'), at('model/teams'));
      const inside = snapshot(dir);
      const r = await run(['import', '--from', 'dump', '--out', 'model', '--force'], dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /model\/teams: a symbolic link; no file is written through a link below the output folder; nothing written/);
      assert.deepEqual(readdirSync(path.join(outside, 'teams')), []);
      assert.deepEqual(snapshot(dir), inside, 'not even roles/ or spaces/ were made');
    });

    it('follows --out itself when it is a link: the user named it', async () => {
      mkdirSync(path.join(outside, 'model'));
      symlinkSync(path.join(outside, 'model'), at('model'));
      const r = await run(['import', '--from', 'dump', '--out', 'model'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(filesIn(path.join(outside, 'model')), imported);
    });

    it('leaves no new file when the run cannot be finished (a file where a folder must be)', async () => {
      const team = [...imported.keys()].find((rel) => /^teams\/[^_]/.test(rel))!;
      const folder = path.dirname(team);
      mkdirSync(at('model/teams'), { recursive: true });
      writeFileSync(at(`model/${folder}`), 'in the way\n');
      const before = snapshot(dir);
      // With --force: the old writer wrote the roles and spaces, then failed on this folder and stopped.
      const r = await run(['import', '--from', 'dump', '--out', 'model', '--force'], dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`model/${folder}: not a folder; nothing written`));
      assert.deepEqual(snapshot(dir), before);
    });

    it('leaves no new file when a folder cannot be written in (permission denied)', async function () {
      mkdirSync(at('model/teams'), { recursive: true });
      chmodSync(at('model/teams'), 0o555);
      try {
        let r: { code: number | null; stderr: string };
        const before = () => snapshot(dir);
        let was: Map<string, Entry>;
        if (process.getuid?.() === 0) {
          // Root may write anywhere: run the shipped command as nobody, in folders nobody may use.
          const probe = spawnSync(process.execPath, [BIN, '--version'], { uid: 65534, gid: 65534 });
          if (probe.status !== 0) this.skip();
          for (const d of [dir, at('model')]) chmodSync(d, 0o777);
          was = before();
          const child = spawnSync(process.execPath, [BIN, 'import', '--from', 'dump', '--out', 'model'], { cwd: dir, uid: 65534, gid: 65534, encoding: 'utf8' });
          r = { code: child.status, stderr: child.stderr };
        } else {
          was = before();
          r = await run(['import', '--from', 'dump', '--out', 'model'], dir);
        }
        // roles/ and spaces/ were made and written before teams/ failed; the run took them away again.
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /model\/teams\/\S+: cannot write it: permission denied; nothing written \(what the run had written is removed\)/);
        assert.deepEqual(snapshot(dir), was);
      } finally {
        chmodSync(at('model/teams'), 0o755);
      }
    });
  });

  describe('export', () => {
    const model = () => {
      for (const [rel, text] of imported) if (/\.(role|team|space)\.yaml$/.test(rel)) {
        mkdirSync(path.dirname(at(`ws/${rel}`)), { recursive: true });
        writeFileSync(at(`ws/${rel}`), text);
      }
    };

    it('writes through no link planted at its old temporary names (NAME.tf.tmp)', async () => {
      model();
      mkdirSync(at('tf'));
      for (const name of ['versions', 'lookups', 'variables', 'roles', 'teams', 'assignments']) symlinkSync(victim, at(`tf/${name}.tf.tmp`));
      const r = await run(['export', '--format', 'terraform', '--out', 'tf', 'ws'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(victim, 'utf8'), PRECIOUS);
      assert.ok(lstatSync(at('tf/roles.tf')).isFile());
      assert.match(readFileSync(at('tf/roles.tf'), 'utf8'), /resource "octopusdeploy_user_role"/);
      assert.deepEqual(temporaries(dir), []);
    });

    it('refuses a dangling link at a destination without --force, and replaces it with --force without creating its target', async () => {
      model();
      mkdirSync(at('tf'));
      const nowhere = path.join(outside, 'roles.tf');
      symlinkSync(nowhere, at('tf/roles.tf'));
      const refused = await run(['export', '--format', 'terraform', '--out', 'tf', 'ws'], dir);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /1 file exists already \(tf\/roles\.tf\); nothing written/);
      assert.deepEqual(readdirSync(at('tf')), ['roles.tf'], 'nothing else was written');
      assert.equal(readlinkSync(at('tf/roles.tf')), nowhere);

      symlinkSync(victim, at('tf/teams.tf'));
      const forced = await run(['export', '--format', 'terraform', '--out', 'tf', '--force', 'ws'], dir);
      assert.equal(forced.code, 0, forced.stderr);
      assert.ok(lstatSync(at('tf/roles.tf')).isFile() && lstatSync(at('tf/teams.tf')).isFile(), 'the links are replaced by files');
      assert.match(readFileSync(at('tf/teams.tf'), 'utf8'), /resource "octopusdeploy_team"/);
      assert.ok(!existsSync(nowhere), "the link's target is not created");
      assert.equal(readFileSync(victim, 'utf8'), PRECIOUS);
    });
  });

  describe('pull --save-json', () => {
    let server: StandIn | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });
    const start = async () => {
      server = await startStandIn(readDump(Object.entries(dumpFiles()).map(([name, text]) => ({ name, text }))).dump, { key: KEY });
      return server.url;
    };

    it('writes through no link planted at its old temporary names (NAME.json.tmp)', async () => {
      const url = await start();
      mkdirSync(at('saved'));
      for (const name of ['spaces', 'userroles', 'users', 'teams', 'scopeduserroles']) symlinkSync(victim, at(`saved/${name}.json.tmp`));
      const r = await run(['pull', '--server', url, '--out', 'pulled', '--save-json', 'saved'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(victim, 'utf8'), PRECIOUS);
      assert.ok(lstatSync(at('saved/spaces.json')).isFile());
      assert.ok(Array.isArray(JSON.parse(readFileSync(at('saved/spaces.json'), 'utf8'))));
      assert.deepEqual(temporaries(dir), []);
    });

    it('refuses a link at a --save-json destination without --force, writing neither the dump nor the model', async () => {
      const url = await start();
      mkdirSync(at('saved'));
      symlinkSync(victim, at('saved/spaces.json'));
      const refused = await run(['pull', '--server', url, '--out', 'pulled', '--save-json', 'saved'], dir);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /1 file exists already \(saved\/spaces\.json\); nothing written/);
      assert.deepEqual(readdirSync(at('saved')), ['spaces.json']);
      assert.ok(!existsSync(at('pulled')), 'the model is not written either: one run, all or nothing');
      assert.equal(readFileSync(victim, 'utf8'), PRECIOUS);

      const forced = await run(['pull', '--server', url, '--out', 'pulled', '--save-json', 'saved', '--force'], dir);
      assert.equal(forced.code, 0, forced.stderr);
      assert.ok(lstatSync(at('saved/spaces.json')).isFile(), 'the link itself is replaced');
      assert.equal(readFileSync(victim, 'utf8'), PRECIOUS);
      assert.deepEqual(filesIn(at('pulled')), imported);
    });
  });

  describe('a run that fails part way', () => {
    it('is undone at every step: new files and folders removed, replaced files and links put back', () => {
      // Existing things --force replaces: a file (kept with its inode), a link to outside, a dangling link.
      const out = at('model');
      const roles = [...imported.keys()].filter((rel) => rel.startsWith('roles/'));
      mkdirSync(path.join(out, 'roles'), { recursive: true });
      writeFileSync(path.join(out, roles[0]), 'name: Old\n');
      symlinkSync(victim, path.join(out, roles[1]));
      symlinkSync(path.join(outside, 'nowhere'), path.join(out, roles[2]));
      const sets = [
        { out, files: imported },
        { out: at('saved/deeper'), files: new Map([['spaces.json', '[]\n']]) },
      ];
      const steps: [WriteStep, string][] = [];
      const counted = writeFiles(sets, { force: true, beforeStep: (step, file) => void steps.push([step, file]) });
      assert.equal(counted.kind, 'written');
      assert.ok(steps.some(([s]) => s === 'mkdir') && steps.some(([s]) => s === 'temp') && steps.some(([s]) => s === 'place'));
      rmSync(at('saved'), { recursive: true });
      rmSync(out, { recursive: true });

      for (let fail = 0; fail < steps.length; fail++) {
        mkdirSync(path.join(out, 'roles'), { recursive: true });
        writeFileSync(path.join(out, roles[0]), 'name: Old\n');
        symlinkSync(victim, path.join(out, roles[1]));
        symlinkSync(path.join(outside, 'nowhere'), path.join(out, roles[2]));
        const before = snapshot(dir);
        let n = 0;
        const outcome = writeFiles(sets, {
          force: true,
          beforeStep: (step) => {
            if (n++ === fail) throw Object.assign(new Error(`injected failure at ${step}`), { code: 'EIO' });
          },
        });
        assert.equal(outcome.kind, 'failed', `step ${fail}`);
        assert.deepEqual(outcome.kind === 'failed' && outcome.left, [], `step ${fail}: everything undone`);
        assert.deepEqual(snapshot(dir), before, `step ${fail} (${steps[fail].join(' ')}): the disk is as it was`);
        assert.equal(readFileSync(victim, 'utf8'), PRECIOUS);
        assert.ok(!existsSync(path.join(outside, 'nowhere')));
        rmSync(out, { recursive: true });
      }
    });

    it('refuses paths that leave the output folder, and a folder at a destination', () => {
      const out = at('model');
      for (const bad of ['../escape.yaml', 'a/../../escape.yaml', '/etc/passwd', 'a//b.yaml', './a.yaml', '']) {
        const outcome = writeFiles([{ out, files: new Map([['ok.yaml', 'x\n'], [bad, 'x\n']]) }], { force: true });
        assert.equal(outcome.kind, 'refused', JSON.stringify(bad));
      }
      mkdirSync(path.join(out, 'a.yaml'), { recursive: true });
      const folder = writeFiles([{ out, files: new Map([['a.yaml', 'x\n']]) }], { force: true });
      assert.deepEqual(folder, { kind: 'refused', file: path.join(out, 'a.yaml'), why: 'a folder is there' });
      assert.deepEqual(readdirSync(dir).sort(), ['dump', 'model']);
      assert.deepEqual(readdirSync(out), ['a.yaml']);
    });
  });
});

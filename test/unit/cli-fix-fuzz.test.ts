/**
 * `check --fix` over random workspaces on disk: generated role, team and space files with fixable
 * breaches, some behind symbolic links (inside the workspace or out of it), some hard-linked, with random
 * modes, read-only, with merge-conflict markers or YAML syntax errors. After each run every file is either
 * byte-identical or a valid fix of the original: checked again, it has no error it did not have. Links stay
 * links, inodes and modes stay, nothing outside the workspace changes, no temporary file is left.
 * FIX_FUZZ_RUNS sets the number of workspaces (default 3, a few seconds; `npm run fuzz` runs more).
 */
import * as assert from 'node:assert/strict';
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateWorkspace, mulberry32 } from '../support/generate';
import { runCli } from '../../server/src/cli';
import { Project, pathToUri, uriToPath } from '../../server/src/node/project';
import { finalDiagnostics, normaliseEditorSettings } from '../../server/src/service';

const RUNS = Number(process.env.FIX_FUZZ_RUNS ?? 3);
const FIRST_SEED = Number(process.env.FIX_FUZZ_SEED ?? 1);

type Treatment = 'plain' | 'read-only' | 'conflict' | 'syntax' | 'linked-inside' | 'linked-outside' | 'hard-linked';
const TREATMENTS: readonly Treatment[] = ['plain', 'plain', 'plain', 'read-only', 'conflict', 'syntax', 'linked-inside', 'linked-outside', 'hard-linked'];
const MODES = [0o600, 0o644, 0o664, 0o640, 0o755];

/** Adds breaches that have safe fixes: a duplicated list item, a retired permission next to an item. */
function breakText(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const items = lines.map((l, i) => (/^\s+- \S/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (!items.length) return text;
  const at = items[Math.floor(rnd() * items.length)];
  lines.splice(at + 1, 0, lines[at]);
  if (rnd() < 0.5 && /Permissions:/.test(text)) lines.splice(at + 1, 0, lines[at].replace(/- .*/, '- TaskViewLog'));
  return lines.join('\n');
}

function withConflict(text: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => /^\s+- \S/.test(l));
  if (i < 0) return `<<<<<<< HEAD\n${text}=======\n${text}>>>>>>> theirs\n`;
  lines.splice(i, 1, '<<<<<<< HEAD', lines[i], '=======', lines[i], '>>>>>>> theirs');
  return lines.join('\n');
}

interface Snapshot {
  readonly kind: 'file' | 'link';
  readonly ino: number;
  readonly mode: number;
  readonly content: string;
  readonly link?: string;
}

function snapshot(root: string): Map<string, Snapshot> {
  const out = new Map<string, Snapshot>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isSymbolicLink()) out.set(full, { kind: 'link', ino: lstatSync(full).ino, mode: 0, content: '', link: readlinkSync(full) });
      else {
        const st = lstatSync(full);
        out.set(full, { kind: 'file', ino: st.ino, mode: st.mode & 0o7777, content: readFileSync(full, 'latin1') });
      }
    }
  };
  walk(root);
  return out;
}

/** Error counts by code for each file of the folder, as the loader reads it. */
async function errorsByFile(dir: string): Promise<Map<string, Map<string, number>>> {
  const project = new Project(() => undefined);
  project.addFolder(pathToUri(dir), normaliseEditorSettings({}));
  await project.scan();
  const result = new Map<string, Map<string, number>>();
  for (const uri of project.ws.uris()) {
    const counts = new Map<string, number>();
    for (const d of finalDiagnostics(project.ws, uri, project.settingsFor(uri))) if (d.severity === 'error') counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
    result.set(uriToPath(uri)!, counts);
  }
  return result;
}

describe(`check --fix on ${RUNS} random workspaces with links, modes, conflicts and syntax errors`, function () {
  this.timeout(0);

  it('leaves every file byte-identical or a valid fix of the original', async () => {
    let fixedFiles = 0;
    for (let run = 0; run < RUNS; run++) {
      const seed = FIRST_SEED + run;
      const rnd = mulberry32(seed);
      const dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-fixfuzz-'));
      const outside = mkdtempSync(path.join(tmpdir(), 'octopus-roles-fixfuzz-out-'));
      try {
        mkdirSync(path.join(dir, '.git'));
        mkdirSync(path.join(dir, '.store'));
        const treated = new Map<string, Treatment>();
        for (const [rel, original] of generateWorkspace({ files: 14, seed, breachRate: 0.2 })) {
          const full = path.join(dir, rel);
          mkdirSync(path.dirname(full), { recursive: true });
          const treatment = TREATMENTS[Math.floor(rnd() * TREATMENTS.length)];
          let text = breakText(original, rnd);
          if (treatment === 'conflict') text = withConflict(text);
          if (treatment === 'syntax') text += 'description: "unclosed\n';
          writeFileSync(full, text);
          chmodSync(full, treatment === 'read-only' ? 0o444 : MODES[Math.floor(rnd() * MODES.length)]);
          if (treatment === 'linked-inside' || treatment === 'linked-outside') {
            const target = treatment === 'linked-inside' ? path.join(dir, '.store', `${treated.size}-${path.basename(rel)}`) : path.join(outside, `${treated.size}-${path.basename(rel)}`);
            renameSync(full, target);
            symlinkSync(target, full);
          }
          if (treatment === 'hard-linked') linkSync(full, path.join(outside, `${treated.size}-twin-${path.basename(rel)}`));
          treated.set(full, treatment);
        }
        const before = snapshot(dir);
        const outsideBefore = snapshot(outside);
        const errorsBefore = await errorsByFile(dir);

        let stderr = '';
        await runCli(['check', '--fix', '--format', 'json'], { stdout: () => undefined, stderr: (t) => (stderr += t), cwd: dir });
        assert.doesNotMatch(stderr, /internal error/, `seed ${seed}`);

        const after = snapshot(dir);
        const errorsAfter = await errorsByFile(dir);
        assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), `seed ${seed}: no file appears or disappears (no temporary file is left)`);
        for (const [file, was] of before) {
          const now = after.get(file)!;
          const what = `seed ${seed}: ${path.relative(dir, file)} (${treated.get(file) ?? 'store'})`;
          // A rename gives a plain file a new inode; a hard link must keep its own, and a link stays itself.
          const keepsInode = treated.get(file) === 'hard-linked' || was.kind === 'link';
          assert.deepEqual({ ...now, content: '', ino: keepsInode ? now.ino : 0 }, { ...was, content: '', ino: keepsInode ? was.ino : 0 }, `${what}: kind, link, inode and mode are kept`);
          if (now.content === was.content) continue;
          const treatment = treated.get(file);
          // Only plain files change, and the files in .store that links inside the workspace lead to.
          assert.ok(treatment === 'plain' || treatment === 'hard-linked' || treatment === undefined, `${what}: must not be changed`);
          fixedFiles++;
        }
        const outsideAfter = snapshot(outside);
        for (const [file, was] of outsideBefore) {
          const now = outsideAfter.get(file)!;
          assert.equal(now.ino, was.ino);
          // A hard link's twin changes with the file in the workspace; nothing else out here does.
          if (!path.basename(file).includes('-twin-')) assert.equal(now.content, was.content, `seed ${seed}: ${file} outside the workspace changed`);
        }
        // A valid fix: checked again, no file has an error it did not have (links are read as their path).
        for (const [file, counts] of errorsAfter) {
          const old = errorsBefore.get(file) ?? new Map<string, number>();
          for (const [code, n] of counts) assert.ok(n <= (old.get(code) ?? 0), `seed ${seed}: ${path.relative(dir, file)} has a new ${code} error`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
        rmSync(outside, { recursive: true, force: true });
      }
    }
    assert.ok(fixedFiles > 0, 'some files were fixed');
  });
});

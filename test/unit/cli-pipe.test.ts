/**
 * A reader that closes the output early (`octopus-roles check --fix | head -1`), for real: the shipped
 * command in a child process whose stdout or stderr is a pipe that this test closes after the first line,
 * on a generated workspace of 300 files that each have a fixable finding. The run ends quietly (no EPIPE,
 * no stack trace, the status the code gives a stopped run or a finished one), every file is whole (as it
 * was, or fully fixed) and no temporary file is left.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';
import { generateWorkspace, writeWorkspace } from '../support/generate';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'octopus-roles.js');
const TEMP = /^\..*\.[0-9a-f]{18}\.(tmp|old)$/;

/**
 * 300 generated files without errors; every role and team file gets its first permission or role assignment
 * repeated (a duplicate that fix-all removes), and the space files stay as they are.
 */
function workspace(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [rel, text] of generateWorkspace({ files: 300, seed: 23, breachRate: 0 })) out.set(rel, withDuplicate(text));
  return out;
}

function withDuplicate(text: string): string {
  const lines = text.split('\n');
  const indent = (l: string) => /^ */.exec(l)![0].length;
  const header = lines.findIndex((l) => /^(roles|spacePermissions|systemPermissions):$/.test(l));
  if (header >= 0) {
    // The first item with the lines of its long form.
    let end = header + 2;
    while (end < lines.length && lines[end].trim() && indent(lines[end]) > indent(lines[header + 1])) end++;
    lines.splice(end, 0, ...lines.slice(header + 1, end));
  } else {
    const flow = lines.findIndex((l) => /^(space|system)Permissions: \[\w+/.test(l));
    if (flow >= 0) lines[flow] = lines[flow].replace(/\[(\w+)/, '[$1, $1');
  }
  return lines.join('\n');
}

function materialise(files: ReadonlyMap<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-pipe-'));
  mkdirSync(path.join(dir, '.git'));
  writeWorkspace(dir, files);
  return dir;
}

async function inProcess(args: string[], cwd: string): Promise<number> {
  return runCli(args, { stdout: () => undefined, stderr: () => undefined, cwd });
}

interface Closed {
  readonly code: number | null;
  readonly signal: string | null;
  /** What the stream that stayed open received. */
  readonly other: string;
  /** What the closed stream received before it was closed. */
  readonly first: string;
}

/** Runs the command with `closing` a pipe that is closed as soon as its first line has arrived. */
function runClosing(args: string[], cwd: string, closing: 'stdout' | 'stderr'): Promise<Closed> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = closing === 'stdout' ? child.stdout : child.stderr;
  const open = closing === 'stdout' ? child.stderr : child.stdout;
  let first = '';
  let other = '';
  closed.on('data', (d: Buffer) => {
    first += d.toString();
    if (first.includes('\n')) closed.destroy();
  });
  open.on('data', (d: Buffer) => (other += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, other, first })));
}

describe('a reader that closes the output early, with real pipes', function () {
  this.timeout(180000);
  const files = workspace();
  const fixed = new Map<string, string>();
  const dirs: string[] = [];
  const fresh = () => {
    const dir = materialise(files);
    dirs.push(dir);
    return dir;
  };
  before(async () => {
    const dir = fresh();
    assert.equal(await inProcess(['check', '--fix'], dir), 0);
    for (const rel of files.keys()) fixed.set(rel, readFileSync(path.join(dir, rel), 'utf8'));
    const unfixed = [...files.keys()].filter((rel) => !rel.startsWith('spaces/') && fixed.get(rel) === files.get(rel));
    assert.deepEqual(unfixed, [], 'every role and team file has a fix');
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** Every file as it was or fully fixed; returns how many were fixed. No temporary file anywhere. */
  const whole = (dir: string): number => {
    let count = 0;
    for (const rel of files.keys()) {
      const text = readFileSync(path.join(dir, rel), 'utf8');
      assert.ok(text === files.get(rel) || text === fixed.get(rel), `${rel} is whole: ${JSON.stringify(text)}`);
      if (text !== files.get(rel)) count++;
    }
    const temps = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((rel) => TEMP.test(path.basename(rel)));
    assert.deepEqual(temps, []);
    return count;
  };

  it('check --fix | head -1: stops after the file being fixed, quietly, with status 141', async () => {
    const dir = fresh();
    const r = await runClosing(['check', '--fix'], dir, 'stdout');
    assert.equal(r.other, '', 'nothing on stderr: no EPIPE, no stack trace');
    assert.equal(r.code, 141);
    assert.match(r.first, /: fixed \d+ problems?\n/);
    const count = whole(dir);
    assert.ok(count >= 1 && count < files.size, `${count} of ${files.size} fixed`);
  });

  it('check --fix --format json 2>&1 >report | head -1: stops the same way when stderr (the fix report) is closed', async () => {
    // Before, the stream's error was thrown at the next file: status 1, its stack trace into the closed
    // pipe, and the JSON report never written.
    const dir = fresh();
    const r = await runClosing(['check', '--fix', '--format', 'json'], dir, 'stderr');
    assert.equal(r.code, 141);
    assert.equal(r.other, '', 'a stopped run prints no report');
    assert.match(r.first, /: fixed \d+ problems?\n/);
    const count = whole(dir);
    assert.ok(count >= 1 && count < files.size, `${count} of ${files.size} fixed`);
  });

  it('check, explain, who-can and diff | head -1 end quietly with the status their full output has', async () => {
    const dir = fresh();
    const empty = mkdtempSync(path.join(tmpdir(), 'octopus-roles-pipe-empty-'));
    dirs.push(empty);
    const member = /^members:\n {2}- (.+)$/m.exec([...files.values()].find((t) => /^members:\n {2}- /m.test(t))!)![1];
    for (const args of [['check'], ['check', '--format', 'json'], ['explain', `user:${member}`], ['who-can', 'ProjectView'], ['diff', empty, '.']]) {
      const expected = await inProcess(args, dir);
      const r = await runClosing(args, dir, 'stdout');
      assert.equal(r.other, '', `${args.join(' ')}: nothing on stderr`);
      assert.equal(r.signal, null);
      assert.equal(r.code, expected, args.join(' '));
      assert.ok(r.first.includes('\n'), `${args.join(' ')} printed a line`);
    }
    assert.equal(whole(dir), 0, 'nothing was written');
  });
});

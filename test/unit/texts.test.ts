import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Project, pathToUri } from '../../server/src/node/project';
import { codeFixes, LineMap, mergeSettings, normaliseEditorSettings, type Position } from '../../server/src/service';
import { lineCodes } from '../../server/src/service/util/text';

const FILES: Record<string, string> = {
  'roles/deployer.role.yaml': 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n',
  'spaces/finance.space.yaml': 'name: Finance\ndescription: The finance department\n',
  'teams/a.team.yaml': 'name: Team A\nspace: Finance\nroles: [Deployer, Project Viewer]\n',
  'teams/b.team.yaml': 'name: Team B\r\nroles:\r\n  - role: "Deployer"\r\n    space: Finance\r\n',
  'teams/c.team.yaml': 'name: Team C\nspace: Finance\nroles: [Deployr]\n# a comment that makes the file long enough\n',
};

/** Every position a line map gives for the text, and every offset it gives back. */
function positions(lines: LineMap, text: string): [Position[], number[]] {
  const out: Position[] = [];
  for (let o = -1; o <= text.length + 1; o++) out.push(lines.positionAt(o));
  const offsets: number[] = [];
  for (let line = -1; line <= lines.lineCount; line++) for (let character = -1; character < 40; character++) offsets.push(lines.offsetAt({ line, character }));
  return [out, offsets];
}

describe('texts of files nobody has open (the language server keeps none)', () => {
  let dir: string;
  let stale: [string, string][];
  const uri = (name: string) => pathToUri(path.join(dir, name));
  const open = async (keep: boolean) => {
    stale = [];
    const project = new Project(() => undefined, keep ? {} : { dropTexts: (u, reason) => stale.push([u, reason]) });
    project.addFolder(pathToUri(dir), normaliseEditorSettings({}));
    await project.scan();
    return project;
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'octopus-roles-texts-'));
    for (const [name, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps no text of a file read from disk, the text of an open file always, and drops it again on close', async () => {
    const project = await open(false);
    for (const name of Object.keys(FILES)) assert.equal(project.ws.keepsText(uri(name)), false, name);
    assert.equal(project.ws.textsKept, 0);
    const team = uri('teams/a.team.yaml');
    project.edited(team, FILES['teams/a.team.yaml'] + '\n');
    assert.equal(project.ws.keepsText(team), true);
    assert.equal(project.ws.textsKept, 1);
    await project.closed(team);
    assert.equal(project.ws.keepsText(team), false);
    // The command line keeps every text it read.
    const cli = await open(true);
    assert.equal(cli.ws.textsKept, Object.keys(FILES).length);
  });

  it('gives back the exact text, line maps and findings that keeping the texts gives', async () => {
    const dropped = await open(false);
    const kept = await open(true);
    for (const name of Object.keys(FILES)) {
      const u = uri(name);
      assert.equal(dropped.ws.text(u), FILES[name], name);
      assert.deepEqual(positions(dropped.ws.lines(u)!, FILES[name]), positions(kept.ws.lines(u)!, FILES[name]), name);
      assert.deepEqual(dropped.ws.diagnostics(u), kept.ws.diagnostics(u), name);
    }
    // A quick fix in a file not open: worked out from the text read back, the same as from the text kept.
    const c = uri('teams/c.team.yaml');
    const settings = mergeSettings();
    const fixesOf = (p: Project) => codeFixes(p.ws, c, p.ws.diagnostics(c).find((d) => d.code === 'unknown-role')!, settings).map((f) => [f.title, [...f.change.edits]]);
    assert.ok(fixesOf(kept).length > 0);
    assert.deepEqual(fixesOf(dropped), fixesOf(kept));
    assert.deepEqual(stale, []);
  });

  it('hands out no text that is not the one indexed, and asks for the file to be read again', async () => {
    const project = await open(false);
    const team = uri('teams/a.team.yaml');
    // The same length and lines, other bytes: only the digest tells them apart.
    writeFileSync(path.join(dir, 'teams/a.team.yaml'), FILES['teams/a.team.yaml'].replace('Deployer', 'Deployex'));
    assert.equal(project.ws.text(team), undefined);
    assert.deepEqual(stale, [[team, 'it changed on disk since it was read']]);
    // Positions still describe the version indexed, which the model's offsets are of.
    assert.equal(project.ws.lines(team)!.length, FILES['teams/a.team.yaml'].length);
    // Read again, as a watcher's event would: the new text is the one indexed.
    await project.loadFromDisk(team);
    assert.equal(project.ws.text(team), FILES['teams/a.team.yaml'].replace('Deployer', 'Deployex'));
    assert.ok(project.ws.diagnostics(team).some((d) => d.code === 'unknown-role'));
  });

  it('answers undefined, with the reason, when a text cannot be read back (deleted, a link out, a folder)', async () => {
    const project = await open(false);
    const outside = mkdtempSync(path.join(tmpdir(), 'octopus-roles-outside-'));
    try {
      writeFileSync(path.join(outside, 'a.team.yaml'), FILES['teams/a.team.yaml']);
      unlinkSync(path.join(dir, 'teams/a.team.yaml'));
      // The same bytes, behind a link that leads out of the workspace: not read.
      symlinkSync(path.join(outside, 'a.team.yaml'), path.join(dir, 'teams/a.team.yaml'));
      unlinkSync(path.join(dir, 'teams/b.team.yaml'));
      rmSync(path.join(dir, 'teams/c.team.yaml'));
      mkdirSync(path.join(dir, 'teams/c.team.yaml'));
      for (const name of ['teams/a.team.yaml', 'teams/b.team.yaml', 'teams/c.team.yaml']) assert.equal(project.ws.text(uri(name)), undefined, name);
      assert.deepEqual(stale, [
        [uri('teams/a.team.yaml'), 'it is gone from the workspace folders (deleted, or now a link that leads out of them)'],
        [uri('teams/b.team.yaml'), 'it is gone from the workspace folders (deleted, or now a link that leads out of them)'],
        [uri('teams/c.team.yaml'), 'it cannot be read now (This file cannot be analysed: it is a directory.)'],
      ]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('makes the same line map from line codes as from the text', () => {
    for (const text of ['', 'a', '\n', '\r\n', '\r', 'a\r\rb\n\r\nc', 'é😀\r\nx', 'x'.repeat(200) + '\n' + 'y\r\n'.repeat(9000)]) {
      const codes = lineCodes(text)!;
      assert.deepEqual(positions(new LineMap({ codes }), text), positions(new LineMap(text), text), JSON.stringify(text.slice(0, 20)));
      assert.equal(new LineMap({ codes }).length, text.length);
    }
    // A line longer than a code can hold: no codes (the text is kept instead).
    assert.equal(lineCodes('x'.repeat(30000)), undefined);
  });

  it('puts every offset on the line and character that counting the line breaks before it gives', () => {
    // The reference: lines end at `\n`, `\r\n` or a lone `\r`, counted a character at a time.
    const reference = (text: string, offset: number): Position => {
      let line = 0;
      let start = 0;
      for (let i = 0; i < offset; i++) {
        const c = text[i];
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
          line++;
          start = i + 1;
        }
      }
      // An offset between `\r` and `\n` is at the end of the line's text.
      return { line, character: offset - start };
    };
    for (const text of ['', '\n', '\n\n', 'a\nbc\n', 'name: A\nroles: [X]\n# ok', 'é😀\nx\n\n', 'a\r\nb\rc\nd']) {
      const lines = new LineMap(text);
      for (let o = 0; o <= text.length; o++) {
        if (text[o - 1] === '\r' && text[o] === '\n') continue;
        assert.deepEqual(lines.positionAt(o), reference(text, o), `${JSON.stringify(text)} at ${o}`);
      }
      assert.equal(lines.lineCount, reference(text, text.length).line + 1, JSON.stringify(text));
    }
  });
});

/**
 * A long session with the shipped server over JSON-RPC: 10,000 random edits (test/support/mutations.ts)
 * across a generated workspace, for a client that takes pushed diagnostics and one that pulls them. Files
 * are opened, changed in full or by ranges, and closed (the disk's text counts again); renames make and
 * break references between roles, spaces and teams. Along the way:
 *
 * - requests sent right after an edit, without waiting for anything, answer from the new text, and a
 *   request cancelled after an edit answers from the text it was sent for or with a cancellation error,
 *   never from an older text (checked against the service run in this process);
 * - a pull with a result id from before an edit gets a full new report, and "unchanged" only when it is;
 * - the server's heap after a full collection is about the same after 10,000 edits as after 1,000.
 *
 * At the end every file's diagnostics must equal those of a fresh `octopus-roles check --format json` of
 * the final texts written to a new folder. SESSION_EDITS changes the number of edits.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { CancellationTokenSource, type ClientCapabilities, type Diagnostic, type Hover } from 'vscode-languageserver-protocol/node';
import { generateWorkspace, mulberry32 } from '../support/generate';
import { hover, LineMap, Workspace } from '../../server/src/service';
import { Corpus, opArb, replacementOf, type FileState } from '../support/mutations';
import { PULL_CAPABILITIES, PUSH_CAPABILITIES, ROOT, TestClient, tempWorkspace, uriOf } from './client';

const EDITS = Number(process.env.SESSION_EDITS ?? 10000);
/** Files that exist only in the editor: opened, edited and closed (then they are gone). */
const NEW_FILES: Record<string, string> = {
  'new/fresh.role.yaml': 'name: Fresh Role\nspacePermissions: [ProjectView, DeploymentCreate]\n',
  'new/fresh.team.yaml': 'name: Fresh Team\nroles:\n  - role: Fresh Role\n    space: Nowhere\n',
};
const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];

/**
 * Whether text reads back the same from disk, so that the checker sees what the editor had: UTF-8 has no
 * lone surrogates, a NUL byte makes a file binary, and a byte-order mark at the start is dropped on reading.
 */
const survivesDisk = (text: string) => !text.startsWith('\ufeff') && !text.includes('\0') && Buffer.from(text, 'utf8').toString('utf8') === text;

/** A diagnostic as one comparable line. */
const line = (r: Diagnostic['range'], severity: string, code: unknown, message: unknown) =>
  `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${severity} ${String(code)}: ${String(message)}`;

interface Probe {
  readonly what: string;
  readonly response: Promise<unknown>;
  /** The answers that are right: the hover for the text the request was sent for, or a cancellation. */
  readonly expected: string;
  readonly cancelled: boolean;
}

const hoverText = (h: Hover | null | undefined) => (h ? `${(h.contents as { value: string }).value} @ ${JSON.stringify(h.range)}` : 'none');

async function session(capabilities: ClientCapabilities, seed: number): Promise<void> {
  const disk = new Map(generateWorkspace({ files: 40, seed, breachRate: 0.2 }));
  const dir = tempWorkspace(Object.fromEntries(disk));
  const fresh = mkdtempSync(path.join(tmpdir(), 'octopus-roles-session-fresh-'));
  const client = new TestClient(['--expose-gc']);
  try {
    await client.initialize(dir, capabilities);
    const pull = capabilities === PULL_CAPABILITIES;
    const corpus = new Corpus(new Map([...disk, ...Object.entries(NEW_FILES)]));
    const uri = (rel: string) => uriOf(dir, rel);
    const open = new Map<string, string>(); // relative path to editor text
    let version = 0;
    const current = (): Map<string, FileState> => {
      const state = new Map<string, FileState>();
      for (const rel of corpus.uris) {
        const text = open.get(rel) ?? disk.get(rel);
        if (text !== undefined) state.set(rel, { text });
      }
      return state;
    };
    /** The service in this process on the current texts: what the server should answer. */
    const expectedHover = (rel: string, offset: number): string => {
      const ws = new Workspace();
      for (const [r, { text }] of current()) ws.setFile(uri(r), text);
      const h = hover(ws, uri(rel), offset);
      const lines = ws.lines(uri(rel))!;
      return h ? `${h.markdown} @ ${JSON.stringify(lines.rangeOf(h.span))}` : 'none';
    };
    const heapMB = async () => ((await client.connection.sendRequest('octopusRoles/memoryUsage')) as { heapUsed: number }).heapUsed / 2 ** 20;

    const choose = mulberry32(seed);
    const ops = fc.sample(opArb, { seed, numRuns: EDITS * 2 });
    const probes: Probe[] = [];
    let heapAt1000 = 0;
    let edits = 0;
    for (const op of ops) {
      if (edits >= EDITS) break;
      const rel = corpus.uris[op.file % corpus.uris.length];
      if (open.has(rel) && choose() < 0.02) {
        open.delete(rel);
        void client.close(uri(rel));
        continue;
      }
      if (!open.has(rel)) {
        const text = disk.get(rel) ?? NEW_FILES[rel];
        open.set(rel, text);
        void client.open(uri(rel), text, ++version);
      }
      const { state } = corpus.apply(op, current());
      const before = open.get(rel)!;
      if (!state || state.problem || state.text === before || !survivesDisk(state.text)) continue;
      open.set(rel, state.text);
      const lines = new LineMap(before);
      const r = replacementOf(before, state.text);
      const change = choose() < 0.5 ? { text: state.text } : { range: lines.rangeOf(r), text: r.text };
      void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uri(rel), version: ++version }, contentChanges: [change] });
      edits++;

      if (edits % 500 === 250) {
        // A request right behind the edit answers from the edited text.
        const offset = Math.floor(choose() * (state.text.length + 1));
        const position = new LineMap(state.text).positionAt(offset);
        const response = client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(rel) }, position });
        probes.push({ what: `hover after edit ${edits} in ${rel}`, response, expected: expectedHover(rel, offset), cancelled: false });
      } else if (edits % 500 === 0) {
        // Hover, edit, cancel the hover: the answer is for the text it was sent for, or a cancellation.
        const offset = Math.floor(choose() * (state.text.length + 1));
        const source = new CancellationTokenSource();
        const response = client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uri(rel) }, position: new LineMap(state.text).positionAt(offset) }, source.token);
        const expected = expectedHover(rel, offset);
        const next = state.text + '\n# edited after the hover\n';
        open.set(rel, next);
        void client.change(uri(rel), next, ++version);
        source.cancel();
        probes.push({ what: `hover cancelled after edit ${edits} in ${rel}`, response, expected, cancelled: true });
      }
      if (pull && edits % 1000 === 500) {
        const next = open.get(rel)! + '\n# one more line\n';
        open.set(rel, next);
        await checkPullAfterEdit(client, uri(rel), next, ++version);
      }
      if (edits === 1000) heapAt1000 = await heapMB();
    }
    assert.equal(edits, EDITS);

    for (const p of probes) {
      try {
        assert.equal(hoverText((await p.response) as Hover | null), p.expected, p.what);
      } catch (err) {
        if (!(p.cancelled && (err as { code?: number }).code === -32800)) throw err;
      }
    }
    const heapAt10000 = await heapMB();
    assert.ok(heapAt10000 < heapAt1000 * 1.5 + 20, `heap after a full collection: ${heapAt1000.toFixed(1)} MB after 1,000 edits, ${heapAt10000.toFixed(1)} MB after ${EDITS}`);

    // The final texts, checked afresh by the checker.
    const final = current();
    for (const [rel, { text }] of final) {
      mkdirSync(path.dirname(path.join(fresh, rel)), { recursive: true });
      writeFileSync(path.join(fresh, rel), text);
    }
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'octopus-roles.js'), 'check', '.', '--format', 'json'], { cwd: fresh, encoding: 'utf8', maxBuffer: 2 ** 28 });
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    const expected = new Map<string, string[]>([...final.keys()].map((rel) => [rel, []]));
    for (const d of JSON.parse(run.stdout) as { file: string; range: Diagnostic['range']; severity: string; code: string; message: string }[]) {
      expected.get(d.file)!.push(line(d.range, d.severity, d.code, d.message));
    }
    const actual = pull ? await pulled(client, [...final.keys()].map(uri), [...open.keys()].map(uri)) : undefined;
    const shown = (rel: string): string[] => {
      const ds = pull ? actual!.get(uri(rel)) ?? [] : client.published.get(uri(rel)) ?? [];
      return ds.map((d) => line(d.range, SEVERITY[d.severity ?? 1], d.code, d.message)).sort();
    };
    const differences = () => [...expected].filter(([rel, ds]) => JSON.stringify(shown(rel)) !== JSON.stringify([...ds].sort()));
    if (!pull) {
      await client.waitFor('the pushed diagnostics to equal a fresh check', () => differences().length === 0, 30000).catch(() => undefined);
    }
    const wrong = differences();
    assert.deepEqual(
      wrong.map(([rel]) => ({ file: rel, server: shown(rel) })),
      wrong.map(([rel, ds]) => ({ file: rel, server: [...ds].sort() })),
      `${wrong.length} of ${expected.size} files differ from a fresh check after ${EDITS} edits`,
    );
  } finally {
    await client.dispose(dir);
    rmSync(fresh, { recursive: true, force: true });
  }
}

type Report = { kind: string; resultId?: string; items?: Diagnostic[] };

/**
 * A pull with the result id from before an edit (to `text`) gets a full report; a second pull with the
 * new id gets "unchanged" unless something changed in between.
 */
async function checkPullAfterEdit(client: TestClient, uri: string, text: string, version: number): Promise<void> {
  const pullDoc = (previousResultId?: string) => client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId }) as Promise<Report>;
  const before = await pullDoc();
  await client.change(uri, text, version);
  const after = await pullDoc(before.resultId);
  assert.equal(after.kind, 'full', 'a pull after an edit is answered in full');
  const again = await pullDoc(after.resultId);
  if (again.kind === 'unchanged') assert.equal(again.resultId, after.resultId);
}

/** Every file's diagnostics as a pull client gets them: the workspace report, and the open files' own. */
async function pulled(client: TestClient, uris: readonly string[], openUris: readonly string[]): Promise<Map<string, Diagnostic[]>> {
  const report = (await client.connection.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as { items: { uri: string; items: Diagnostic[] }[] };
  const result = new Map(report.items.map((i) => [i.uri, i.items]));
  for (const uri of openUris) {
    const own = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as Report;
    assert.deepEqual(own.items, result.get(uri), `${uri}: the document pull agrees with the workspace pull`);
  }
  for (const uri of uris) if (!result.has(uri)) result.set(uri, []);
  return result;
}

describe(`a long session over JSON-RPC (${EDITS} edits)`, function () {
  this.timeout(180000);

  it('answers a request that follows a close from the disk\'s text, not the closed editor\'s', async () => {
    const role = 'name: Deployer\nspacePermissions: [DeploymentCreate]\n';
    const team = 'name: Finance\nspace: Finance\nroles:\n  - Deployer\n';
    const dir = tempWorkspace({ 'r.role.yaml': role, 't.team.yaml': team });
    const client = new TestClient();
    try {
      await client.initialize(dir, PULL_CAPABILITIES);
      const [r, t] = [uriOf(dir, 'r.role.yaml'), uriOf(dir, 't.team.yaml')];
      const pullTeam = async () => ((await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: t } })) as Report).items!.map((d) => d.code);
      await client.open(t, team);
      await client.open(r, role.replace('Deployer', 'Renamed'));
      assert.deepEqual(await pullTeam(), ['unknown-role']);
      for (let i = 0; i < 20; i++) {
        void client.close(r);
        const hoverAfterClose = client.connection.sendRequest('textDocument/hover', { textDocument: { uri: t }, position: { line: 3, character: 6 } }) as Promise<Hover | null>;
        const afterClose = pullTeam();
        assert.match(hoverText(await hoverAfterClose), /Deployer/);
        assert.doesNotMatch(hoverText(await hoverAfterClose), /not defined|No role/i);
        assert.deepEqual(await afterClose, [], 'the team pulled right after the close sees the role on disk');
        await client.open(r, role.replace('Deployer', 'Renamed'), i + 2);
        assert.deepEqual(await pullTeam(), ['unknown-role']);
      }
    } finally {
      await client.dispose(dir);
    }
  });

  it('pushed diagnostics equal a fresh check at the end; memory stays flat; no stale answers', async () => {
    await session(PUSH_CAPABILITIES, 11);
  });

  it('pulled diagnostics equal a fresh check at the end; memory stays flat; no stale answers', async () => {
    await session(PULL_CAPABILITIES, 23);
  });
});

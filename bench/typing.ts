/**
 * Typing into a 2 MB file while asking about other files, over JSON-RPC (the shipped bin, pushed
 * diagnostics): 20 keystrokes 50 ms apart at the end of a role file of about 37,000 role documents, each
 * followed by a hover and a code action in another file. Reports their latencies, then the time from the
 * last keystroke to the large file's own hover (which waits for its newest text) and to its new
 * diagnostics, and how many times the large file was analysed for the 20 keystrokes.
 *
 *   node out/bench/typing.js
 */
import { rmSync } from 'node:fs';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { PUSH_CAPABILITIES, TestClient, tempWorkspace, uriOf } from '../test/server/client';
import { writeDocSection } from './docs';

const KEYSTROKES = 20;
const GAP_MS = 50;
const ROLE = 'name: Deployer\nspacePermissions: [DeploymentCreate, ProjectView]\n';
const TYPO = 'name: Typo\nspacePermissions: [ProjectVeiw]\n';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentiles(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(0);
  return `p50 ${p(0.5)} ms, max ${s[s.length - 1].toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const docs: string[] = ['---\nname: Big 0\nspacePermissions: [ProjectView, ProjectView]\n'];
  for (let i = 1, size = 0; size < 1_950_000; i++) size += docs[docs.push(`---\nname: Big ${i}\nspacePermissions: [ProjectView]\n`) - 1].length;
  const big = docs.join('');
  const dir = tempWorkspace({ 'big.role.yaml': big, 'other.role.yaml': ROLE, 'typo.role.yaml': TYPO });
  const client = new TestClient();
  try {
    await client.initialize(dir, PUSH_CAPABILITIES, 120000);
    const [bigUri, otherUri, typoUri] = ['big.role.yaml', 'other.role.yaml', 'typo.role.yaml'].map((f) => uriOf(dir, f));
    await client.open(otherUri, ROLE);
    await client.open(typoUri, TYPO);
    await client.open(bigUri, big);
    await client.waitFor('the large file published on opening', () => client.publications.filter((p) => p.uri === bigUri).length >= 2, 120000);
    const before = client.publications.filter((p) => p.uri === bigUri).length;

    const lines = big.split('\n');
    const line = lines.length - 2;
    const column = lines[line].length - 1;
    const hovers: Promise<number>[] = [];
    const actions: Promise<number>[] = [];
    const timed = (request: Promise<unknown>) => {
      const t = performance.now();
      return request.then(() => performance.now() - t);
    };
    for (let k = 0; k < KEYSTROKES; k++) {
      const at = { line, character: column + k };
      void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: bigUri, version: 2 + k }, contentChanges: [{ range: { start: at, end: at }, text: 'x' }] });
      hovers.push(timed(client.connection.sendRequest('textDocument/hover', { textDocument: { uri: otherUri }, position: { line: 1, character: 22 } })));
      actions.push(
        timed(
          client.connection.sendRequest('textDocument/codeAction', {
            textDocument: { uri: typoUri },
            range: { start: { line: 1, character: 19 }, end: { line: 1, character: 19 } },
            context: { diagnostics: [] },
          }),
        ),
      );
      await sleep(GAP_MS);
    }
    const last = performance.now();
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: bigUri }, position: { line, character: column } });
    const ownHover = performance.now() - last;
    const typed = 'ProjectView' + 'x'.repeat(KEYSTROKES);
    const newest = (ds: Diagnostic[] | undefined) => ds?.some((d) => String(d.message).includes(`${typed}\``) || String(d.message).includes(`${typed} `)) ?? false;
    await client.waitFor('the newest diagnostics', () => newest(client.published.get(bigUri)), 120000);
    const ownDiagnostics = performance.now() - last;
    const analyses = client.publications.filter((p) => p.uri === bigUri).length - before;

    const body = [
      `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, on a shared machine.`,
      '',
      `Typing ${KEYSTROKES} keystrokes ${GAP_MS} ms apart into a 2 MB role file (${docs.length.toLocaleString('en')} role documents), each followed by a request about another file:`,
      `- hover in another file: ${percentiles(await Promise.all(hovers))}`,
      `- code action in another file: ${percentiles(await Promise.all(actions))}`,
      `- from the last keystroke to a hover in the large file (it waits for the newest text): ${ownHover.toFixed(0)} ms`,
      `- from the last keystroke to the large file's new diagnostics: ${ownDiagnostics.toFixed(0)} ms`,
      `- analyses of the large file for the ${KEYSTROKES} keystrokes: ${analyses}`,
    ].join('\n');
    console.log(body);
    writeDocSection('typing', body);
  } finally {
    await client.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

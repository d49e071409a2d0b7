/**
 * Runs the end-to-end suite in a real editor.
 *
 * - With `VSCODE_EXECUTABLE` (or `--electron`), in desktop VS Code through @vscode/test-electron.
 * - Otherwise in code-server (VS Code's server and web workbench), driven by headless Chromium through
 *   playwright-core: code-server loads the extension and the suite from the workbench URL's `payload`
 *   and reports the result through `window.codeAutomationExit`. This is how CI runs it, since CI cannot
 *   download VS Code. code-server is installed for the tests only (see .ci/run), never as a dependency.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SUITE = path.join(__dirname, 'suite', 'index');
const TIMEOUT_MS = 5 * 60 * 1000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForHttp(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let takeScreenshot: ((file: string, name: string) => Promise<unknown>) | undefined;

/** Takes the screenshot a tour step asks for (`tour:NAME`), then tells the step it may go on. */
function screenshotOn(line: string, dir: string): void {
  const m = /^tour:(\w+)$/.exec(line.trim());
  if (!m || !takeScreenshot) return;
  void takeScreenshot(path.join(dir, `${m[1]}.png`), m[1]).then(() => writeFileSync(path.join(dir, `${m[1]}.done`), ''));
}

async function inCodeServer(workspace: string, scratch: string, onLog?: (line: string) => void): Promise<number> {
  const bin = process.env.CODE_SERVER_BIN ?? path.join(ROOT, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
  if (!existsSync(bin)) {
    // CI must run this layer; elsewhere it is optional and says how to get it.
    if (process.env.CI) throw new Error(`code-server is not installed at ${bin}; scripts/setup-e2e.sh installs it`);
    console.log('end-to-end tests skipped: code-server is not installed (run `npm run setup:e2e`, or set VSCODE_EXECUTABLE)');
    return 0;
  }
  const port = await freePort();
  const origin = `127.0.0.1:${port}`;
  const server = spawn(
    bin,
    ['--bind-addr', origin, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--user-data-dir', path.join(scratch, 'user'), '--extensions-dir', path.join(scratch, 'extensions'), workspace],
    // The gallery points at a closed loopback port, so the workbench looks for no extensions online.
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item' }) } },
  );
  let serverLog = '';
  server.stdout!.on('data', (d: Buffer) => (serverLog += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));
  const { chromium } = await import('playwright-core');
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    await waitForHttp(`http://${origin}/healthz`, Date.now() + 60000);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    takeScreenshot = async (file, name) => {
      // The language status item shows its details in a hover that only a click opens.
      if (name === 'status') {
        await page.locator('[id="status.languageStatus"]').click({ timeout: 5000 }).catch(() => undefined);
        await page.waitForTimeout(800);
      }
      return page.screenshot({ path: file });
    };
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    // The workbench forwards the extension host's console as (level, [format, ...values]).
    await page.exposeFunction('codeAutomationLog', (level: unknown, args: unknown) => {
      const line = Array.isArray(args) ? format(...(args as [unknown, ...unknown[]])) : String(args);
      if (level === 'error') console.error(line);
      else console.log(line);
      onLog?.(line);
    });
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${origin}${ROOT}`],
      ['extensionTestsPath', `vscode-remote://${origin}${SUITE}`],
    ];
    await page.goto(`http://${origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise<number>((resolve) =>
      setTimeout(() => {
        console.error(`end-to-end tests timed out after ${TIMEOUT_MS / 1000} s\n${serverLog}`);
        resolve(1);
      }, TIMEOUT_MS).unref(),
    );
    const code = await Promise.race([exit, timeout]);
    if (onLog) for (const f of readdirSync(process.env.OCTOPUS_ROLES_TOUR ?? '.')) if (f.endsWith('.done')) rmSync(path.join(process.env.OCTOPUS_ROLES_TOUR!, f));
    if (code !== 0 && process.env.E2E_SERVER_LOG) console.error(serverLog);
    return code;
  } finally {
    await browser?.close();
    server.kill();
  }
}

async function inElectron(workspace: string): Promise<number> {
  const { runTests } = await import('@vscode/test-electron');
  return runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: SUITE,
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  }).then(
    () => 0,
    () => 1,
  );
}

async function main(): Promise<void> {
  const shots = process.argv.indexOf('--screenshots');
  const shotDir = shots > 0 ? path.resolve(process.argv[shots + 1] ?? 'images') : undefined;
  const scratch = mkdtempSync(path.join(tmpdir(), 'octopus-roles-e2e-'));
  const workspace = path.join(scratch, 'showcase');
  cpSync(path.join(ROOT, 'examples', 'showcase'), workspace, { recursive: true });
  try {
    const electron = process.argv.includes('--electron') || Boolean(process.env.VSCODE_EXECUTABLE);
    if (shotDir) {
      mkdirSync(shotDir, { recursive: true });
      process.env.OCTOPUS_ROLES_TOUR = shotDir;
    }
    process.exitCode = electron ? await inElectron(workspace) : await inCodeServer(workspace, scratch, shotDir ? (line) => screenshotOn(line, shotDir) : undefined);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});

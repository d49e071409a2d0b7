/**
 * Reading the workspace in the background: progress for the client (`window/workDoneProgress`, when it
 * declares support), the status notification while files come in, and a log a user can act on: the
 * configuration files found, the files not analysed and why, and how long the scan took.
 */
import * as path from 'node:path';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import { uriToPath, type Project } from '../node/project';
import type { DiagnosticsScheduler } from './scheduler';

/** How often progress and status are reported while files are read (ms). */
const TICK_MS = 250;
/** The most files not analysed that the log names one by one. */
const MAX_LISTED = 20;

export interface IndexingOptions {
  /** Creates the progress reporter: a real one when the client supports `window/workDoneProgress`. */
  readonly progress: () => Promise<WorkDoneProgressServerReporter>;
  readonly log: (message: string) => void;
}

/**
 * Reads every folder's files into the model, with the scheduler in its indexing state meanwhile (no
 * finding that an unread file could change goes out). The log line `indexed N files in M ms` comes last.
 */
export async function readWorkspace(project: Project, scheduler: DiagnosticsScheduler, options: IndexingOptions): Promise<void> {
  const started = Date.now();
  scheduler.setIndexing(true);
  scheduler.sendStatus();
  try {
    const reporter = await options.progress().catch(() => undefined);
    reporter?.begin('Octopus Roles', undefined, 'reading the workspace', false);
    const tick = setInterval(() => {
      reporter?.report(`${project.ws.size} files read`);
      scheduler.sendStatus();
    }, TICK_MS);
    try {
      await project.scan();
    } finally {
      clearInterval(tick);
      reporter?.done();
    }
    logScan(project, options.log, Date.now() - started);
  } finally {
    // Even after a failed scan: the findings of the files that were read are better than none.
    scheduler.setIndexing(false);
  }
}

/** What a user can act on: the configuration files found, the files not analysed and why, the timing. */
function logScan(project: Project, log: (message: string) => void, ms: number): void {
  for (const config of project.configFiles()) {
    log(`configuration file: ${display(project, config.uri)}${config.diagnostics.length ? ` (${config.diagnostics.length} problems, shown in the file)` : ''}`);
  }
  const notAnalysed: string[] = [];
  for (const uri of project.ws.uris()) {
    // Only a file that is not analysed has no model; its one diagnostic says why.
    if (project.ws.model(uri)) continue;
    const problem = project.ws.diagnostics(uri)[0];
    notAnalysed.push(`not analysed: ${display(project, uri)}: ${problem?.message ?? 'unknown reason'}`);
  }
  notAnalysed.slice(0, MAX_LISTED).forEach((line) => log(line));
  if (notAnalysed.length > MAX_LISTED) log(`not analysed: ${notAnalysed.length - MAX_LISTED} more files (see their diagnostics)`);
  log(`indexed ${project.ws.size} files in ${ms} ms (${Math.round((project.ws.size * 1000) / Math.max(ms, 1))} files/s)`);
}

/** A file's path relative to its workspace folder, or its URI when it is in none. */
function display(project: Project, uri: string): string {
  const file = uriToPath(uri);
  if (!file) return uri;
  for (const folder of project.folderUris()) {
    const root = uriToPath(folder);
    if (!root) continue;
    const rel = path.relative(root, file);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
  }
  return file;
}

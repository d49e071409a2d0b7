/**
 * `check --fix`: applies each file's safe fixes and writes the files, one at a time, each finished or
 * left untouched. A file is not fixed when a fix could misread it: YAML syntax errors (the parser guessed
 * at the structure) or merge-conflict markers (both sides of a conflict would look like duplicates, and
 * one would be deleted).
 */
import { fixAll, ruleOf, type AccessEffect, type Settings, type Workspace } from '../service';
import { printable } from './output';
import { writeFixed, type WriteScope } from './write';

/** A line that git writes into a file with a merge conflict. */
const CONFLICT_MARKER = /^(?:<{7}|>{7}|\|{7})(?: |\r?$)|^={7}\r?$/m;

/** True when the text holds merge-conflict markers. */
export function hasConflictMarkers(text: string): boolean {
  return CONFLICT_MARKER.test(text);
}

/** What the fix loop needs from its caller. */
export interface FixRun {
  readonly ws: Workspace;
  readonly scope: WriteScope;
  settingsFor(uri: string): Settings;
  /** The file's path on disk. */
  pathOf(uri: string): string;
  /**
   * Reports a fixed file, with the titles of its fixes and what they did to effective access (never a
   * gain: fixes that grant are not applied), and a file not fixed, with why.
   */
  fixed(uri: string, applied: readonly string[], access: AccessEffect | undefined): void;
  notFixed(uri: string, why: string): void;
  /** Reports the fixes left alone because they would grant access (each title says what it grants). */
  withheld(uri: string, titles: readonly string[]): void;
  /** True when the run must stop (interrupted, or the reader of the output went away). */
  stopped(): boolean;
}

/**
 * Fixes the files in order. Between files it lets the event loop turn, so that a signal or a closed
 * output stops the run at a file boundary, never in the middle of a file. Returns false when stopped.
 */
export async function fixFiles(uris: readonly string[], run: FixRun): Promise<boolean> {
  for (const uri of uris) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (run.stopped()) return false;
    const checked = run.ws.text(uri);
    if (checked === undefined || !run.ws.model(uri)) continue;
    const refusal = refuse(run.ws, uri, checked);
    let result: ReturnType<typeof fixAll>;
    try {
      result = fixAll(run.ws, uri, run.settingsFor(uri), true);
    } catch (err) {
      run.ws.setFile(uri, checked);
      run.notFixed(uri, `internal error: ${err instanceof Error ? err.stack : String(err)}`);
      continue;
    }
    if (!result) {
      // The service offers no fix in a broken file; say why when the file has findings fix-all would fix.
      if (refusal && run.ws.diagnostics(uri).some((d) => d.code !== 'yaml-syntax' && ruleOf(d.code)?.safe)) run.notFixed(uri, refusal);
      continue;
    }
    if (result.applied.length === 0) {
      run.withheld(uri, result.withheld);
      continue;
    }
    const problem = refusal ?? writeFixed(run.pathOf(uri), checked, result.text, run.scope);
    if (problem) {
      run.ws.setFile(uri, checked);
      run.notFixed(uri, problem);
      continue;
    }
    run.fixed(uri, result.applied, result.access);
    if (result.withheld.length) run.withheld(uri, result.withheld);
  }
  return true;
}

/** Why a file must not be fixed at all, judged on the text that was checked. */
function refuse(ws: Workspace, uri: string, checked: string): string | undefined {
  if (hasConflictMarkers(checked)) return 'it has merge-conflict markers; resolve the conflict first';
  if (ws.diagnostics(uri).some((d) => d.code === 'yaml-syntax')) return 'it has YAML syntax errors; correct them first';
  return undefined;
}

/**
 * The access lines under a fixed file in `check --fix`'s report: who lost what (a fix never grants),
 * or that nobody's access changed.
 */
export function accessLines(access: AccessEffect | undefined): string {
  if (!access) return '';
  const losing = access.changes.filter((c) => c.losses.length > 0);
  if (!losing.length) return '  access: unchanged\n';
  return losing
    .map((c) => {
      const who = c.principal.kind === 'team' ? `team ${c.principal.space ? `${c.principal.space}/` : ''}${c.principal.name}` : `${c.principal.kind} ${c.principal.name}`;
      const what = c.losses.map((g) => `${g.permission} ${g.scope === 'system' ? 'server-wide' : `in ${g.space}`}`);
      return `  access: ${printable(who)} loses ${printable(what.slice(0, 5).join(', '))}${what.length > 5 ? ` and ${what.length - 5} more` : ''}\n`;
    })
    .join('');
}

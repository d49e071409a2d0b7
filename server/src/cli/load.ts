/**
 * Turns the PATH arguments of a command into a workspace, through the one loader (server/src/node) the
 * language server uses too, from the disk or from another source (a git revision, for `diff`).
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToUri, Project } from '../node/project';
import { diskSource, type Source } from '../node/source';
import { kindOfPath, normaliseEditorSettings } from '../service';
import { display, printable } from './output';

/** Where a command writes; tests pass their own. */
export interface LoadIO {
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export interface LoadOptions {
  readonly config?: string;
  readonly maxFileSize?: number;
  /** Called with the project before its files are read (`diff` shares the other side's models). */
  readonly prepare?: (project: Project) => void;
  /** Where the files come from: the disk by default; messages name a source's label before its paths. */
  readonly source?: Source;
  /**
   * Leave out a PATH that the source does not have, instead of failing, and list it in `missing`: a PATH
   * of `diff` may exist on one side only.
   */
  readonly allowMissing?: boolean;
}

/** The workspace of PATH arguments (the current folder when none), and the real roots they name. */
export interface Loaded {
  readonly project: Project;
  readonly roots: readonly string[];
  /** The indexes of the PATHs the source does not have (only with `allowMissing`). */
  readonly missing: readonly number[];
}

/**
 * Loads the files and folders `given` names. Returns 2 (the exit status of bad usage) after saying why,
 * when a PATH does not exist (unless `allowMissing`) or is not a file the product reads.
 */
export async function loadPaths(given: readonly string[], io: LoadIO, options: LoadOptions = {}): Promise<Loaded | 2> {
  const source = options.source ?? diskSource;
  const label = source.label === undefined ? '' : `${source.label}:`;
  const shown = (p: string) => printable(label + display(p, io.cwd));
  const project = new Project(() => undefined, {
    source,
    config: options.config === undefined ? undefined : path.resolve(io.cwd, options.config),
    overrides: options.maxFileSize === undefined ? undefined : { maxFileSize: options.maxFileSize },
    fallbackTop: io.cwd,
    onSkip: (where, reason) => io.stderr(`octopus-roles: skipped ${shown(where)}: ${printable(reason)}\n`),
  });
  if (options.config !== undefined && !exists(path.resolve(io.cwd, options.config))) {
    io.stderr(`octopus-roles: ${printable(options.config)}: no such configuration file\n`);
    return 2;
  }
  const roots: string[] = [];
  const missing: number[] = [];
  const paths = given.length ? given : ['.'];
  for (const [i, arg] of paths.entries()) {
    const input = path.resolve(io.cwd, arg);
    const kind = source.kindOf(input);
    if (kind === undefined) {
      if (options.allowMissing) {
        missing.push(i);
        continue;
      }
      io.stderr(`octopus-roles: ${label}${printable(arg)}: no such file or folder\n`);
      return 2;
    }
    const isDir = kind === 'folder';
    if (isDir) project.addFolder(pathToUri(input), normaliseEditorSettings({}));
    else if (kindOfPath(input)) project.addFile(input);
    else {
      io.stderr(`octopus-roles: ${label}${printable(arg)}: not a role, team, space or Terraform file (*.role.yaml, *.team.yaml, *.space.yaml, *.tf)\n`);
      return 2;
    }
    const real = source.realPath(isDir ? input : path.dirname(input));
    roots.push(typeof real === 'string' ? real : input);
  }
  options.prepare?.(project);
  await project.scan();
  return { project, roots, missing };
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

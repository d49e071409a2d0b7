/**
 * Turns the PATH arguments of a command into a workspace, through the one loader (server/src/node) the
 * language server uses too.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { realPath } from '../node/files';
import { pathToUri, Project } from '../node/project';
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
}

/** The workspace of PATH arguments (the current folder when none), and the real roots they name. */
export interface Loaded {
  readonly project: Project;
  readonly roots: readonly string[];
}

/**
 * Loads the files and folders `given` names. Returns 2 (the exit status of bad usage) after saying why,
 * when a PATH does not exist or is not a file the product reads.
 */
export async function loadPaths(given: readonly string[], io: LoadIO, options: LoadOptions = {}): Promise<Loaded | 2> {
  const shown = (p: string) => printable(display(p, io.cwd));
  const project = new Project(() => undefined, {
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
  for (const arg of given.length ? given : ['.']) {
    const input = path.resolve(io.cwd, arg);
    let isDir: boolean;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      io.stderr(`octopus-roles: ${printable(arg)}: no such file or folder\n`);
      return 2;
    }
    if (isDir) project.addFolder(pathToUri(input), normaliseEditorSettings({}));
    else if (kindOfPath(input)) project.addFile(input);
    else {
      io.stderr(`octopus-roles: ${printable(arg)}: not a role, team, space or Terraform file (*.role.yaml, *.team.yaml, *.space.yaml, *.tf)\n`);
      return 2;
    }
    const real = realPath(isDir ? input : path.dirname(input));
    roots.push(typeof real === 'string' ? real : input);
  }
  options.prepare?.(project);
  await project.scan();
  return { project, roots };
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turns the PATH arguments of a command into a workspace, through the one loader (server/src/node) the
 * language server uses too, from the disk or from another source (a git revision, for `diff`).
 *
 * `check`, `explain`, `who-can` and `diff` load whole workspaces (`loadWorkspaces`, `loadWorkspace`), as
 * tsc and ESLint read a whole project: the PATHs select what is reported, never what is read, so a team
 * file named alone still sees the roles and spaces of the files around it. `export` and `diff --live`
 * read exactly their PATHs (`loadPaths`).
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { workspaceRoot } from '../node/configs';
import { isInside } from '../node/files';
import { pathToUri, Project, uriToPath } from '../node/project';
import { diskSource, type Source } from '../node/source';
import { isSkippedFolder } from '../node/walk';
import { CONFIG_FILE_NAME, kindOfPath, normaliseEditorSettings } from '../service';
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
  /** The workspace root, instead of the one the PATHs are in (`diff` of two folders: each is one). */
  readonly root?: string;
}

/** The workspace of PATH arguments (the current folder when none), and the real roots they name. */
export interface Loaded {
  readonly project: Project;
  /** Real paths of the folders a write may touch: the workspace root (or, for `loadPaths`, the PATHs). */
  readonly roots: readonly string[];
  /** The indexes of the PATHs the source does not have (only with `allowMissing`). */
  readonly missing: readonly number[];
}

/** A whole workspace, and the files of it that the PATHs select. */
export interface LoadedWorkspace extends Loaded {
  /** The workspace root, as reached. */
  readonly root: string;
  /** The files the PATHs select, in no order. */
  readonly selected: ReadonlySet<string>;
  /** How many files each PATH (by its index) selects here. */
  readonly counts: ReadonlyMap<number, number>;
  /** Workspaces of their own below the root (`root: true`), which this one does not read. */
  readonly nested: readonly string[];
}

/** One PATH argument, checked. */
interface Target {
  readonly index: number;
  readonly arg: string;
  readonly input: string;
  readonly folder: boolean;
  /** Its real path when that differs from `input` (a link on the way), for matching files by real path. */
  readonly real?: string;
}

/** Says why a PATH cannot be used; `2` is the exit status of bad usage. */
type Checked = { targets: Target[]; missing: number[] } | 2;

function checkTargets(given: readonly string[], io: LoadIO, options: LoadOptions): Checked {
  const source = options.source ?? diskSource;
  const label = source.label === undefined ? '' : `${source.label}:`;
  if (options.config !== undefined && !exists(path.resolve(io.cwd, options.config))) {
    io.stderr(`octopus-roles: ${printable(options.config)}: no such configuration file\n`);
    return 2;
  }
  const targets: Target[] = [];
  const missing: number[] = [];
  for (const [index, arg] of (given.length ? given : ['.']).entries()) {
    const named = path.resolve(io.cwd, arg);
    // A configuration file stands for the folder it applies to (a pre-commit hook passes it when it changes).
    const input = path.basename(named) === CONFIG_FILE_NAME && source.kindOf(named) === 'file' ? path.dirname(named) : named;
    const kind = source.kindOf(input);
    if (kind === undefined) {
      if (options.allowMissing) {
        missing.push(index);
        continue;
      }
      io.stderr(`octopus-roles: ${label}${printable(arg)}: no such file or folder\n`);
      return 2;
    }
    const folder = kind === 'folder';
    if (!folder && !kindOfPath(input)) {
      io.stderr(`octopus-roles: ${label}${printable(arg)}: not a role, team, space, policy or Terraform file (*.role.yaml, *.team.yaml, *.space.yaml, *.policy.yaml, *.tf)\n`);
      return 2;
    }
    const real = source.realPath(input);
    targets.push({ index, arg, input, folder, ...(typeof real === 'string' && real !== input ? { real } : {}) });
  }
  return { targets, missing };
}

function newProject(io: LoadIO, options: LoadOptions, nested: boolean): Project {
  const source = options.source ?? diskSource;
  const label = source.label === undefined ? '' : `${source.label}:`;
  return new Project(() => undefined, {
    source,
    config: options.config === undefined ? undefined : path.resolve(io.cwd, options.config),
    overrides: options.maxFileSize === undefined ? undefined : { maxFileSize: options.maxFileSize },
    fallbackTop: io.cwd,
    onSkip: (where, reason) => io.stderr(`octopus-roles: skipped ${printable(label + display(where, io.cwd))}: ${printable(reason)}\n`),
    skipNestedWorkspaces: nested,
  });
}

/**
 * Loads the files and folders `given` names, and nothing else. Returns 2 (the exit status of bad usage)
 * after saying why, when a PATH does not exist (unless `allowMissing`) or is not a file the product reads.
 */
export async function loadPaths(given: readonly string[], io: LoadIO, options: LoadOptions = {}): Promise<Loaded | 2> {
  const checked = checkTargets(given, io, options);
  if (checked === 2) return 2;
  const source = options.source ?? diskSource;
  const project = newProject(io, options, false);
  const roots: string[] = [];
  for (const t of checked.targets) {
    if (t.folder) project.addFolder(pathToUri(t.input), normaliseEditorSettings({}));
    else project.addFile(t.input);
    const real = source.realPath(t.folder ? t.input : path.dirname(t.input));
    roots.push(typeof real === 'string' ? real : t.input);
  }
  options.prepare?.(project);
  await project.scan();
  return { project, roots, missing: checked.missing };
}

/**
 * Loads the workspaces the PATHs are in, each whole (see `workspaceRoot`: the nearest folder whose
 * configuration sets `root: true`, the git repository, or the current folder), with the files each PATH
 * selects. A folder PATH that holds workspaces of their own loads them too, each a model of its own.
 * Returns 2 after saying why, as `loadPaths` does.
 */
export async function loadWorkspaces(given: readonly string[], io: LoadIO, options: LoadOptions = {}): Promise<LoadedWorkspace[] | 2> {
  const checked = checkTargets(given, io, options);
  if (checked === 2) return 2;
  const source = options.source ?? diskSource;
  const byRoot = new Map<string, Target[]>();
  const add = (root: string, t: Target) => byRoot.set(root, [...(byRoot.get(root) ?? []), t]);
  for (const t of checked.targets) add(options.root ?? workspaceRoot(t.folder ? t.input : path.dirname(t.input), io.cwd, source), t);
  const loaded: LoadedWorkspace[] = [];
  const done = new Set<string>();
  // Outer workspaces first: loading one finds the workspaces below it, which its folder PATHs select.
  const next = () => [...byRoot.keys()].filter((r) => !done.has(r)).sort((a, b) => a.length - b.length)[0];
  for (let root = next(); root !== undefined; root = next()) {
    done.add(root);
    const targets = byRoot.get(root)!;
    const one = await loadRoot(root, targets, io, options, checked.missing);
    loaded.push(one);
    // A folder PATH that holds a workspace of its own selects all of it, as a model of its own.
    for (const dir of one.nested) {
      const holders = targets.filter((t) => t.folder && isInside(dir, t.input));
      for (const t of holders) add(dir, { index: t.index, arg: t.arg, input: dir, folder: true });
    }
  }
  return loaded;
}

/**
 * Loads the one workspace the PATHs are in. Returns 2 after saying why when they are in several, or as
 * `loadWorkspaces` does.
 */
export async function loadWorkspace(given: readonly string[], io: LoadIO, options: LoadOptions = {}): Promise<LoadedWorkspace | 2> {
  const checked = checkTargets(given, io, options);
  if (checked === 2) return 2;
  const source = options.source ?? diskSource;
  const roots = new Map<string, string>();
  for (const t of checked.targets) roots.set(options.root ?? workspaceRoot(t.folder ? t.input : path.dirname(t.input), io.cwd, source), t.arg);
  if (roots.size > 1) {
    const named = [...roots].map(([root, arg]) => `${printable(arg)} (in ${printable(display(root, io.cwd) || '.')})`);
    io.stderr(`octopus-roles: the PATHs are in different workspaces: ${named.join(', ')}; give PATHs of one workspace\n`);
    return 2;
  }
  const root = roots.keys().next().value ?? options.root ?? workspaceRoot(io.cwd, io.cwd, source);
  return loadRoot(root, checked.targets, io, options, checked.missing);
}

/** Loads the workspace at `root` whole, and selects the files of `targets` in it. */
async function loadRoot(root: string, targets: readonly Target[], io: LoadIO, options: LoadOptions, missing: readonly number[]): Promise<LoadedWorkspace> {
  const source = options.source ?? diskSource;
  const project = newProject(io, options, true);
  const settings = normaliseEditorSettings({});
  project.addFolder(pathToUri(root), settings);
  for (const t of targets) {
    // A folder the walk of the root skips (a dot-folder, node_modules) is read when a PATH names it.
    const rel = path.relative(root, t.input).split(path.sep);
    if (t.folder && rel.some((segment) => segment !== '..' && isSkippedFolder(segment))) project.addFolder(pathToUri(t.input), settings);
    else if (!t.folder) project.addFile(t.input);
  }
  options.prepare?.(project);
  await project.scan();
  const selected = new Set<string>();
  const counts = new Map<number, number>(targets.map((t) => [t.index, 0]));
  for (const uri of project.ws.uris()) {
    const file = uriToPath(uri);
    if (file === undefined) continue;
    let real: string | undefined;
    const realOf = () => (real ??= realOr(source, file));
    for (const t of targets) {
      const hit = t.folder ? isInside(file, t.input) || (t.real !== undefined && isInside(realOf(), t.real)) : file === t.input || (t.real !== undefined && realOf() === t.real);
      if (!hit) continue;
      selected.add(uri);
      counts.set(t.index, counts.get(t.index)! + 1);
    }
  }
  const realRoot = source.realPath(root);
  return { project, root, roots: [typeof realRoot === 'string' ? realRoot : root], missing, selected, counts, nested: project.nestedWorkspaceFolders() };
}

function realOr(source: Source, file: string): string {
  const real = source.realPath(file);
  return typeof real === 'string' ? real : file;
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

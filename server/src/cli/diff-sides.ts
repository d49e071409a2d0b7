/**
 * The two sides of `octopus-roles diff`: BASE and HEAD from the command line, each a folder or a git
 * revision, loaded through the one loader (server/src/node) with the disk or the revision as its source.
 * Both sides therefore read the same files the same way: skipped folders, submodules, `exclude`, the
 * Terraform switch, `maxFileSize`, decoding and the Terraform grammar.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { GitRevision, isRevision } from '../node/git';
import { uriToPath } from '../node/project';
import type { ModelIndex } from '../service';
import { UsageError } from './args';
import type { DiffIO, Side } from './diff';
import { modelsOf } from './access';
import { loadWorkspace } from './load';
import { display, printable } from './output';

/**
 * One side as the arguments name it: a folder (PATHs relative to it; the folder is the whole workspace of
 * that side), a revision or the working tree (PATHs relative to cwd; the workspace is the one they are in).
 */
interface SideSpec {
  readonly label: string;
  readonly root: string;
  readonly revision?: string;
  readonly folder?: boolean;
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** BASE, HEAD and the PATHs, from `diff`'s positional arguments. Throws `UsageError`. */
function specsOf(positionals: readonly string[], cwd: string): { base: SideSpec; head: SideSpec; paths: readonly string[] } {
  const [first, ...rest] = positionals;
  if (first === undefined) throw new UsageError('missing BASE: a git revision or a folder');
  const second = rest[0];
  const workingTree: SideSpec = { label: 'working tree', root: cwd };
  if (isFolder(path.resolve(cwd, first))) {
    const base = { label: first, root: path.resolve(cwd, first), folder: true };
    if (second !== undefined && isFolder(path.resolve(cwd, second))) return { base, head: { label: second, root: path.resolve(cwd, second), folder: true }, paths: rest.slice(1) };
    return { base, head: workingTree, paths: rest };
  }
  if (isRevision(cwd, first)) {
    const base = { label: first, root: cwd, revision: first };
    if (second !== undefined && !isFolder(path.resolve(cwd, second)) && isRevision(cwd, second)) return { base, head: { label: second, root: cwd, revision: second }, paths: rest.slice(1) };
    return { base, head: workingTree, paths: rest };
  }
  throw new UsageError(`\`${first}\` is neither a folder nor a revision of the git repository here`);
}

/**
 * Loads one side: the whole workspace, and the models the PATHs select in it (see `modelsOf`); `reuse`
 * shares the other side's models of identical files.
 */
async function loadSide(spec: SideSpec, paths: readonly string[], io: DiffIO, config: string | undefined, reuse?: ModelIndex) {
  const source = spec.revision === undefined ? undefined : new GitRevision(io.cwd, spec.revision);
  const given = (paths.length ? paths : ['.']).map((p) => path.resolve(spec.root, p));
  const loaded = await loadWorkspace(given, io, {
    config,
    source,
    allowMissing: true,
    prepare: reuse ? (p) => p.ws.reuseModels(reuse) : undefined,
    root: spec.folder ? spec.root : undefined,
  });
  if (loaded === 2) return 2;
  const { project, missing } = loaded;
  const side: Side = {
    label: spec.label,
    ws: project.ws,
    settingsFor: (uri) => project.settingsFor(uri),
    display: (uri) => display(uriToPath(uri) ?? uri, spec.root),
    models: modelsOf(project.ws, loaded.selected),
  };
  return { side, missing };
}

/**
 * Loads BASE and HEAD as `diff`'s positional arguments name them. Returns 2 after saying why when a side
 * cannot be loaded or a PATH names nothing on either side (a PATH on one side only is a folder or file
 * added or removed). Throws `UsageError` for bad arguments and `SourceError` when git cannot read a
 * revision (a missing object).
 */
export async function loadSides(positionals: readonly string[], io: DiffIO, config: string | undefined): Promise<{ base: Side; head: Side } | 2> {
  const { base, head, paths } = specsOf(positionals, io.cwd);
  const before = await loadSide(base, paths, io, config);
  if (before === 2) return 2;
  const after = await loadSide(head, paths, io, config, base.revision === undefined ? undefined : before.side.ws);
  if (after === 2) return 2;
  const nowhere = (paths.length ? paths : ['.']).filter((_, i) => before.missing.includes(i) && after.missing.includes(i));
  if (nowhere.length) {
    io.stderr(`octopus-roles: ${nowhere.map((p) => printable(p)).join(', ')}: no such file or folder in ${printable(base.label)} or ${printable(head.label)}\n`);
    return 2;
  }
  if (!before.side.models?.size && !after.side.models?.size) {
    const where = (paths.length ? paths : ['.']).map((p) => printable(p)).join(', ');
    io.stderr(`octopus-roles: ${where}: no role, team, space or Terraform files to compare in ${printable(base.label)} or ${printable(head.label)}\n`);
    return 2;
  }
  return { base: before.side, head: after.side };
}

/**
 * `octopus-roles diff --live DIR [PATH...]` (SPEC section 10): drift between the workspace and a server's
 * dump (DIR as for `import`), printed as `diff` prints it, the live server as BASE. The dump goes through
 * the import in memory (JSON → model files → a workspace), so drift is empty right after an import. A team
 * the dump has no scoped user roles for has unknown roles: they are compared as the workspace has them and
 * reported as unknown, never as removed.
 */
import * as path from 'node:path';
import { readDump } from '../bridge/api';
import { convertDump } from '../bridge/convert';
import type { ImportedAssignment, ImportedTeam, Restrictions } from '../bridge/model';
import { modelFiles } from '../bridge/yaml';
import { uriToPath } from '../node/project';
import { memorySource } from '../node/source';
import { type ModelIndex, type TeamDoc } from '../service';
import { parseAccessArgs } from './access';
import { optionsOr, UsageError } from './args';
import { printDiff, type DiffIO, type Side } from './diff';
import { DumpError, hasModel, readDumpFolder } from './import';
import { loadPaths } from './load';
import { printable } from './output';

export const DRIFT_USAGE = `Usage: octopus-roles diff --live DIR [PATH...] [options]

Compares the workspace (PATHs, default the current folder) with a server's dump in DIR (the JSON files
octopus-roles import reads, or pull --save-json keeps): what the files would change on the server, as
octopus-roles diff prints it, with the server as BASE. Teams the dump has no scoped user roles for are
reported as having unknown roles, and compared as the workspace has them.

Options:
  --format text|json|markdown   output format (default: text)
  --config FILE                 configuration for the workspace
  -h, --help                    show this help

Exit status: 0 no drift in anyone's access, 3 drift, 1 either side has errors, 2 bad usage.`;

const lower = (s: string) => s.trim().toLowerCase();

/** A workspace team's assignments in the import's terms. */
function assignmentsOf(doc: TeamDoc): ImportedAssignment[] {
  return doc.assignments.map((a) => {
    const restrictions: Restrictions = {};
    for (const r of a.restrictions) restrictions[r.dimension] = r.list.items.map((i) => i.value);
    return { id: '', role: a.role.value, space: a.space?.value, restrictions };
  });
}

/** The workspace's team of the same space and name. */
function findTeam(ws: ModelIndex, team: ImportedTeam): TeamDoc | undefined {
  for (const uri of [...ws.uris()].sort()) {
    for (const doc of ws.model(uri)?.docs ?? []) {
      if (doc.kind === 'team' && doc.name && lower(doc.name.value) === lower(team.name) && lower(doc.space?.value ?? '') === lower(team.space ?? '')) return doc;
    }
  }
  return undefined;
}

/** Runs `diff --live`; returns the exit status. */
export async function runDrift(args: readonly string[], io: DiffIO): Promise<number> {
  let live: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--live') live = args[i + 1]?.startsWith('-') ? '' : args[++i];
    else if (args[i].startsWith('--live=')) live = args[i].slice('--live='.length);
    else rest.push(args[i]);
  }
  const options = optionsOr(
    () => {
      const o = parseAccessArgs(rest, ['text', 'json', 'markdown'], false);
      if (!o.help && (live === undefined || live === '' || live.startsWith('--'))) throw new UsageError('--live needs a folder: the JSON files of a server dump');
      return o;
    },
    DRIFT_USAGE,
    io,
  );
  if (typeof options === 'number') return options;
  const dumpDir = path.resolve(io.cwd, live!);
  let files: { name: string; text: string }[];
  try {
    files = readDumpFolder(dumpDir);
  } catch (err) {
    io.stderr(`octopus-roles: ${printable(live!)}: ${err instanceof DumpError ? printable(err.message) : 'no such folder'}\n`);
    return 2;
  }
  const { dump, problems } = readDump(files);
  for (const p of problems) io.stderr(`octopus-roles: ${printable(p)}\n`);
  if (!hasModel(dump)) {
    io.stderr(`octopus-roles: ${printable(live!)}: no user roles, teams or spaces in the dump\n`);
    return 2;
  }
  const loaded = await loadPaths(options.positionals, io, { config: options.config });
  if (loaded === 2) return 2;
  const { project } = loaded;

  const imported = convertDump(dump);
  for (const team of imported.teams) {
    if (!team.rolesUnknown) continue;
    const mine = findTeam(project.ws, team);
    if (mine?.assignments.length) team.roles = assignmentsOf(mine);
    io.stderr(`octopus-roles: team ${printable(JSON.stringify(team.space ? `${team.space}/${team.name}` : team.name))}: roles unknown (the dump has no scoped user roles for it); compared as the workspace has them\n`);
  }
  // The live side is loaded as the workspace is, by the one loader, from the files the import would write.
  const root = path.join(dumpDir, '.live');
  const live2 = await loadPaths([root], io, { source: memorySource(root, modelFiles(imported), `live (${live!})`) });
  if (live2 === 2) return 2;
  const relative = (uri: string, base: string) => {
    const file = uriToPath(uri) ?? uri;
    const rel = path.relative(base, file);
    return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file).split(path.sep).join('/');
  };
  const base: Side = { label: `live (${live!})`, ws: live2.project.ws, settingsFor: (uri) => live2.project.settingsFor(uri), display: (uri) => `live:${relative(uri, root)}` };
  const head: Side = { label: 'workspace', ws: project.ws, settingsFor: (uri) => project.settingsFor(uri), display: (uri) => relative(uri, io.cwd), modules: false };
  return printDiff(base, head, options.format, io);
}

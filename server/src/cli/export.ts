/**
 * `octopus-roles export --format terraform [--provider octopusdeploy|labs] [--map FILE] --out DIR [PATH...]`
 * (SPEC section 10): the workspace as a Terraform configuration (bridge/terraform.ts). A workspace with
 * errors is refused: Octopus would refuse some of what it says.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ImportMap } from '../bridge/model';
import { toTerraform, yamlModelFiles, type Provider } from '../bridge/terraform';
import { errorCount } from './access';
import { optionsOr, UsageError, walkArgs } from './args';
import type { ImportIO } from './import';
import { loadPaths } from './load';
import { display, printable } from './output';
import { notWritten, writeFiles } from './write';

export const EXPORT_USAGE = `Usage: octopus-roles export --format terraform --out DIR [PATH...] [options]

Writes the workspace (PATHs, default the current folder) as a Terraform configuration for the Octopus
provider: a resource per custom role, a resource per team that is not built in with its assignments as
inline user_role blocks, a standalone scoped user role per assignment of a built-in team, and lookups by
exact name for spaces, built-in roles, users and restriction values.

Options:
  --format terraform              the output format (required; terraform is the only one)
  --provider octopusdeploy|labs   OctopusDeploy/octopusdeploy (default) or OctopusDeployLabs/octopusdeploy
  --map FILE                      an import map (.octopus-roles/import-map.json): write import blocks that
                                  adopt the roles, teams and assignments the server already has
  --out DIR                       where to write the .tf files (required)
  --config FILE                   configuration for the workspace
  --force                         replace files that exist (a link there is replaced, never written
                                  through)
  -h, --help                      show this help

Exit status: 0 written, 1 the workspace has errors, a file exists (without --force) or a file cannot be
written (then none is), 2 bad usage.`;

interface ExportOptions {
  format?: string;
  provider: Provider;
  map?: string;
  out?: string;
  config?: string;
  force: boolean;
  help: boolean;
  paths: string[];
}

function parse(args: readonly string[]): ExportOptions {
  const o: ExportOptions = { provider: 'octopusdeploy', force: false, help: false, paths: [] };
  walkArgs(
    args,
    (flag, value) => {
      if (flag === '--format' || flag === '-f') o.format = value();
      else if (flag === '--provider') {
        const p = value();
        if (p !== 'octopusdeploy' && p !== 'labs') throw new UsageError(`unknown provider \`${p}\`; use octopusdeploy or labs`);
        o.provider = p;
      } else if (flag === '--map') o.map = value();
      else if (flag === '--out') o.out = value();
      else if (flag === '--config') o.config = value();
      else if (flag === '--force') o.force = true;
      else if (flag === '-h' || flag === '--help') o.help = true;
      else return false;
      return true;
    },
    (arg) => o.paths.push(arg),
  );
  return o;
}

/** Reads an import map; throws UsageError when it is not one. */
function readMap(file: string): ImportMap {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--map: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const m = value as Partial<ImportMap>;
  const lists = ['roles', 'teams', 'spaces', 'users', 'environments', 'projects', 'projectGroups', 'tenants', 'scopedUserRoles'] as const;
  if (typeof value !== 'object' || value === null || m.version !== 1 || lists.some((k) => !Array.isArray(m[k]))) {
    throw new UsageError(`--map: ${file} is not an import map written by octopus-roles import`);
  }
  return m as ImportMap;
}

/** Runs `export`; returns the exit status. */
export async function runExport(args: readonly string[], io: ImportIO): Promise<number> {
  let map: ImportMap | undefined;
  const o = optionsOr(
    () => {
      const parsed: ExportOptions = parse(args);
      if (!parsed.help) {
        if (parsed.format === undefined) throw new UsageError('missing --format terraform');
        if (parsed.format !== 'terraform') throw new UsageError(`unknown format \`${parsed.format}\`; use terraform`);
        if (parsed.out === undefined) throw new UsageError('missing --out DIR');
        if (parsed.map !== undefined) map = readMap(path.resolve(io.cwd, parsed.map));
      }
      return parsed;
    },
    EXPORT_USAGE,
    io,
  );
  if (typeof o === 'number') return o;
  const loaded = await loadPaths(o.paths, io, { config: o.config });
  if (loaded === 2) return 2;
  const { project } = loaded;
  const errors = errorCount(project.ws, (uri) => project.settingsFor(uri));
  if (errors) {
    io.stderr(`octopus-roles: the workspace has ${errors} error${errors === 1 ? '' : 's'} (see octopus-roles check); nothing exported\n`);
    return 1;
  }
  if (!yamlModelFiles(project.ws).some((uri) => project.ws.model(uri)!.docs.some((d) => d.kind !== 'policy'))) {
    io.stderr('octopus-roles: nothing to export: the export writes role, team and space files as Terraform, and the workspace has none (its Terraform modules are Terraform already)\n');
    return 2;
  }
  const { files, notes } = toTerraform(project.ws, o.provider, map);
  const outcome = writeFiles([{ out: path.resolve(io.cwd, o.out!), files }], { force: o.force });
  if (outcome.kind !== 'written') {
    io.stderr(notWritten(outcome, (file) => printable(display(file, io.cwd))));
    return 1;
  }
  io.stderr(`octopus-roles: wrote ${[...files.keys()].join(', ')} to ${printable(o.out!)}\n`);
  for (const n of notes) io.stderr(`  ${printable(n)}\n`);
  return 0;
}

/**
 * A generated YAML workspace with every feature the Terraform export carries (SPEC sections 3 and 10), for
 * the export's round-trip tests: custom roles that are space-only, system-only and mixed; built-in roles;
 * system and space teams with users and external groups; Everyone's and Octopus Managers' assignments;
 * assignments at the system level and in spaces, restricted in each dimension and in several at once;
 * one role given to one team several times with different restrictions (separate records, never merged);
 * spaces' managers and the members of the built-in system teams; and names that need escaping in HCL.
 * Deterministic for a seed, and free of errors (the export refuses a workspace with errors).
 */
import { allPermissions, type Permission } from '../../server/src/service/catalog';
import { mulberry32 } from './generate';

export interface EveryFeatureOptions {
  readonly seed: number;
  /** Custom teams per space and system teams (each at least 1). */
  readonly teams: number;
  /**
   * Leave out what the export cannot carry (spaces' managers and the members of Octopus Administrators and
   * Octopus Managers, see README "export"): the workspace as its export reads back.
   */
  readonly carried?: boolean;
}

/** Names that HCL must escape, and one beyond the BMP: Terraform holds each exactly as it is. */
const TRICKY = ['Quote "q"', 'Back \\ slash', 'Dollar ${var.x}', 'Percent %{if 1}', 'Emoji \u{1F600}', 'Signs $$ %% $${x}'];

const DIMENSIONS = ['environments', 'projects', 'projectGroups', 'tenants'] as const;

/** Permissions of current Octopus that a role may grant without a finding, by where they apply. */
function permissions(): { space: Permission[]; system: Permission[] } {
  const all = [...allPermissions()];
  return {
    // A space permission that is also system-level would make a space role mixed: keep them apart.
    space: all.filter((p) => p.level === 'space'),
    system: all.filter((p) => p.level === 'system' && !/^(PlatformHub)/.test(p.name)),
  };
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: readonly string[]) => `[${xs.map(q).join(', ')}]`;

/** The workspace as relative path to content. */
export function everyFeatureWorkspace(opts: EveryFeatureOptions): Map<string, string> {
  const rnd = mulberry32(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const some = <T>(xs: readonly T[], n: number): T[] => {
    const copy = [...xs];
    const out: T[] = [];
    while (out.length < n && copy.length) out.push(copy.splice(Math.floor(rnd() * copy.length), 1)[0]);
    return out;
  };
  const files = new Map<string, string>();
  const perms = permissions();

  // Spaces, with values in every dimension; the first has an escaping name.
  const spaces = ['Finance', `Ops ${TRICKY[0]}`, 'Retail \u{1F6D2}'].map((name, i) => ({
    name,
    environments: ['Development', 'Test', `Production ${TRICKY[(i + 1) % TRICKY.length]}`],
    projects: ['Billing', `Web ${TRICKY[(i + 2) % TRICKY.length]}`, 'Ledger'],
    projectGroups: ['Back office', `Front ${TRICKY[(i + 3) % TRICKY.length]}`],
    tenants: ['Acme', `Tenant ${TRICKY[(i + 4) % TRICKY.length]}`],
  }));
  const users = ['alice', 'bob', 'carol', `dave ${TRICKY[1]}`, 'erin', 'frank', `grace ${TRICKY[4]}`];
  files.set(
    'spaces/all.space.yaml',
    spaces
      .map((s, i) => {
        const lines = [`name: ${q(s.name)}`, `description: ${q(`The ${s.name} space`)}`];
        for (const d of DIMENSIONS) lines.push(`${d}: ${list(s[d])}`);
        // Drawn either way, so that the carried workspace is the same but for what it leaves out.
        const managers = some(users, 2);
        if (!opts.carried && i !== 2) lines.push('managers:', `  members: ${list(managers)}`, ...(i === 0 ? [`  teams: ${list(['System Team 0'])}`] : []));
        return lines.join('\n') + '\n';
      })
      .join('---\n'),
  );

  // Custom roles: space-only, system-only and mixed, with an escaping name among them.
  const roles: { name: string; kind: 'space' | 'system' | 'mixed' }[] = [];
  const roleDocs: string[] = [];
  for (let i = 0; i < 9; i++) {
    const kind = (['space', 'system', 'mixed'] as const)[i % 3];
    const name = i === 4 ? `Role ${TRICKY[i % TRICKY.length]}` : `${kind} role ${i}`;
    roles.push({ name, kind });
    const lines = [`name: ${q(name)}`];
    if (kind !== 'system') lines.push(`spacePermissions: ${list(some(perms.space, 2 + (i % 4)).map((p) => p.name))}`);
    if (kind !== 'space') lines.push(`systemPermissions: ${list(some(perms.system, 1 + (i % 3)).map((p) => p.name))}`);
    roleDocs.push(lines.join('\n') + '\n');
  }
  files.set('roles/custom.role.yaml', roleDocs.join('---\n'));
  const spaceRoles = [...roles.filter((r) => r.kind === 'space').map((r) => r.name), 'Project Deployer', 'Project Viewer', 'Environment Viewer', 'Tenant Manager'];
  const mixedRoles = roles.filter((r) => r.kind === 'mixed').map((r) => r.name);
  const systemRoles = [...roles.filter((r) => r.kind === 'system').map((r) => r.name), 'System Manager'];

  /** A long-form assignment in `space` (undefined in a space team) with restrictions in some dimensions. */
  const assignment = (role: string, space: (typeof spaces)[number], inTeamOfSpace: boolean, dims: readonly (typeof DIMENSIONS)[number][]): string => {
    const lines = [`  - role: ${q(role)}`];
    if (!inTeamOfSpace) lines.push(`    space: ${q(space.name)}`);
    for (const d of dims) lines.push(`    ${d}: ${list(some(space[d], 1 + Math.floor(rnd() * 2)))}`);
    return lines.join('\n');
  };
  const restrictionSets = [[], ['environments'], ['projects'], ['projectGroups'], ['tenants'], ['environments', 'projects'], ['environments', 'tenants'], ['projectGroups', 'environments']] as const;

  const teamDoc = (name: string, space: (typeof spaces)[number] | undefined, n: number): string => {
    const lines = [`name: ${q(name)}`];
    if (space) lines.push(`space: ${q(space.name)}`);
    if (n % 3 !== 2) lines.push(`members: ${list(some(users, 1 + (n % 3)))}`);
    if (n % 2 === 0) lines.push(`externalGroups: ${list([`CN=${name.replace(/[^\w ]/g, '')},OU=Groups,DC=example`])}`);
    lines.push('roles:');
    if (space) {
      // A role given twice with different restrictions: two records.
      const twice = pick(spaceRoles);
      lines.push(assignment(twice, space, true, ['environments']), assignment(twice, space, true, ['tenants']));
      for (let k = 0; k < 2; k++) lines.push(assignment(pick(spaceRoles), space, true, pick(restrictionSets)));
      lines.push(`  - ${q(pick(spaceRoles))}`);
    } else {
      lines.push(`  - ${q(pick(systemRoles))}`);
      const s = pick(spaces);
      lines.push(assignment(pick(mixedRoles), s, false, []), assignment(pick(spaceRoles), s, false, pick(restrictionSets)));
      lines.push(assignment(pick(spaceRoles), pick(spaces), false, pick(restrictionSets)));
    }
    return lines.join('\n') + '\n';
  };

  for (const s of spaces) {
    const docs: string[] = [];
    for (let n = 0; n < opts.teams; n++) docs.push(teamDoc(n === 1 ? `Team ${TRICKY[(n + s.name.length) % TRICKY.length]}` : `${s.name} team ${n}`, s, n));
    files.set(`teams/${spaces.indexOf(s)}.team.yaml`, docs.join('---\n'));
  }
  const system: string[] = [];
  for (let n = 0; n < opts.teams; n++) system.push(teamDoc(`System Team ${n}`, undefined, n));
  // The built-in system teams: Everyone's roles, Octopus Managers' roles and members, the administrators' members.
  system.push(`name: Everyone\nroles:\n${assignment('Project Viewer', spaces[1], false, ['environments'])}\n`);
  system.push(`name: Octopus Managers\n${opts.carried ? '' : `members: ${list(['erin'])}\n`}roles:\n  - System Manager\n${assignment('Project Deployer', spaces[0], false, ['projects', 'environments'])}\n`);
  if (!opts.carried) system.push(`name: Octopus Administrators\nmembers: ${list(['frank'])}\nroles:\n  - System Administrator\n`);
  files.set('teams/system.team.yaml', system.join('---\n'));
  return files;
}

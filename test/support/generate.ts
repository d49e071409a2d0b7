/**
 * A seeded, deterministic generator of realistic Octopus Roles workspaces, for benchmarks and tests.
 *
 *   node out/test/support/generate.js DIR FILES [SEED]
 *
 * The mix: about one space file per 200 files (at least 3), 35% role files (1-3 roles each, permissions
 * taken from the catalog in families such as "Runbook" or "Certificate"), the rest team files (1-2 teams
 * each, space teams and system teams, assigning custom roles of other files and built-in roles, with
 * restrictions drawn from the space's declared lists). A share of documents (`breachRate`) carries one
 * deliberate breach each; `generateWorkspaceDetailed` says which, so a run can be checked against it.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { allBuiltinRoles, allPermissions, getPermission, getRetiredPermission, SPACE_MANAGER, type Dimension, type Level } from '../../server/src/service/catalog';

export interface GenerateOptions {
  /** How many files to produce (exactly). */
  files: number;
  seed: number;
  /** Share of role and team documents that carry one deliberate breach; default 0.03. */
  breachRate?: number;
}

/** The kinds of deliberate breach, named by the diagnostic code each one should produce. */
export type BreachCode =
  | 'unknown-permission'
  | 'wrong-level'
  | 'unknown-role'
  | 'system-role-in-space-team'
  | 'space-required'
  | 'restriction-not-supported'
  | 'unknown-space';

export interface GeneratedWorkspace {
  /** Relative path (forward slashes) to content. */
  readonly files: Map<string, string>;
  /** Every deliberate breach: the file it is in and the code it should produce. */
  readonly breaches: readonly { file: string; code: BreachCode }[];
  /** Expected `implicit-system-grant` notes: mixed roles (custom or built-in) applied in a space. */
  readonly implicitGrants: number;
  readonly counts: { spaces: number; roles: number; teams: number; spaceFiles: number; roleFiles: number; teamFiles: number };
}

/** The workspace as relative path to content. */
export function generateWorkspace(opts: GenerateOptions): Map<string, string> {
  return generateWorkspaceDetailed(opts).files;
}

// ---------------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a tiny 32-bit PRNG, good enough for test data and identical on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** `k` distinct items in random order (all of them when k >= length). */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }
  /** `k` distinct items in their original order. */
  subset<T>(items: readonly T[], k: number): T[] {
    const chosen = new Set(this.sample(items, k));
    return items.filter((i) => chosen.has(i));
  }
}

// ---------------------------------------------------------------------------------------------------
// Vocabulary

const AREAS = [
  'Payments', 'Checkout', 'Billing', 'Ledger', 'Payroll', 'Identity', 'Search', 'Catalogue', 'Inventory', 'Logistics',
  'Shipping', 'Pricing', 'Marketing', 'Analytics', 'Reporting', 'Data', 'Platform', 'Infrastructure', 'Networking',
  'Security', 'Compliance', 'Mobile', 'Web', 'Gateway', 'Notifications', 'Messaging', 'Support', 'CRM', 'Onboarding',
  'Loyalty', 'Risk', 'Fraud', 'Treasury', 'Trading', 'Claims', 'Underwriting', 'Scheduling', 'Booking', 'Content',
  'Media', 'Observability', 'Build', 'Quality', 'Partner', 'Warehouse', 'Procurement', 'Tax', 'Rewards',
];

const SPACE_BASES = [
  'Finance', 'Retail', 'Platform', 'Logistics', 'Insurance', 'Healthcare', 'Marketing', 'Data', 'Mobile', 'Identity',
  'Commerce', 'Media', 'Operations', 'Research', 'Security', 'Support', 'Trading', 'Travel', 'Energy', 'Education',
  'Manufacturing', 'Telecom', 'Gaming', 'Banking', 'Hospitality',
];
const REGIONS = ['EU', 'US', 'APAC', 'LATAM', 'UK', 'Nordics', 'DACH', 'ANZ', 'Canada', 'India', 'Japan', 'Africa'];

const ENVIRONMENT_LADDERS: readonly (readonly string[])[] = [
  ['Development', 'Test', 'Production'],
  ['Development', 'Test', 'Staging', 'Production'],
  ['Dev', 'QA', 'UAT', 'Production'],
  ['Development', 'Integration', 'Test', 'Pre-production', 'Production', 'DR'],
  ['Local', 'Development', 'Staging', 'Production EU', 'Production US'],
  ['Test', 'Production'],
  ['Dev', 'Test', 'Acceptance', 'Production'],
];

const COMPONENTS = [
  'API', 'Web', 'Worker', 'Database', 'Service', 'Portal', 'Gateway', 'Scheduler', 'Importer', 'Frontend', 'Backend',
  'Jobs', 'Sync', 'Reports', 'Admin', 'Mobile App', 'Search Index', 'Cache', 'Infrastructure', 'Functions',
];

const PROJECT_GROUPS = [
  'Back office', 'Customer facing', 'Integrations', 'Infrastructure', 'Internal tools', 'Data pipelines', 'Legacy',
  'Shared services', 'Experiments', 'Partner APIs',
];

const TENANTS = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Wonka', 'Soylent',
  'Tyrell', 'Cyberdyne', 'Vandelay', 'Oceanic', 'Pied Piper', 'Massive Dynamic', 'Aperture', 'Black Mesa', 'Gringotts',
  'Monarch', 'Nakatomi', 'Virtucon', 'Zorg', 'Dunder Mifflin', 'Prestige Worldwide',
];

const TEAM_NOUNS = [
  'Developers', 'Testers', 'Release Managers', 'Operators', 'On-call', 'SREs', 'Leads', 'Auditors', 'Support',
  'Contractors', 'Administrators', 'Deployers', 'Observers', 'Approvers', 'Engineers', 'Analysts', 'Architects',
];

const SYSTEM_TEAM_NOUNS = ['Platform Admins', 'Security Officers', 'Auditors', 'Release Managers', 'Help Desk', 'Identity Admins', 'Tooling'];

const FIRST_NAMES = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia',
  'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yara', 'zoe', 'amir', 'bea', 'chen', 'dmitri', 'esme',
];

const TIERS = ['Viewer', 'Editor', 'Manager'] as const;
type Tier = (typeof TIERS)[number];

// ---------------------------------------------------------------------------------------------------
// The catalog, grouped into families ("Runbook", "Certificate", ...) so roles look like real ones

interface Family {
  readonly name: string;
  /** Words for role names: "Library Variable Set". */
  readonly words: string;
  readonly all: readonly string[];
  readonly view: readonly string[];
  readonly edit: readonly string[];
}

const VERB = /^(.*?)(ViewSubmitResponsible|ViewUnscoped|EditUnscoped|ExportPrivateKey|View|Edit|Create|Delete|Administer|Push|Download|Submit|Cancel|Prioritize|Invite|Report|Resolve)$/;

interface Catalog {
  readonly level: Map<string, Level>;
  readonly dims: Map<string, readonly Dimension[]>;
  readonly spaceFamilies: readonly Family[];
  readonly systemFamilies: readonly Family[];
  readonly spacePerms: readonly string[];
  readonly systemPerms: readonly string[];
  readonly systemOnlyPerms: readonly string[];
  readonly spaceOnlyPerms: readonly string[];
  readonly builtins: readonly RoleInfo[];
}

function buildCatalog(): Catalog {
  const level = new Map<string, Level>();
  const dims = new Map<string, readonly Dimension[]>();
  const spaceGroups = new Map<string, string[]>();
  const systemGroups = new Map<string, string[]>();
  for (const p of allPermissions()) {
    level.set(p.name, p.level);
    dims.set(p.name, p.restrictions);
    const m = VERB.exec(p.name);
    const family = m && m[1] ? m[1] : p.name;
    if (p.level !== 'system') (spaceGroups.get(family) ?? spaceGroups.set(family, []).get(family)!).push(p.name);
    if (p.level !== 'space') (systemGroups.get(family) ?? systemGroups.set(family, []).get(family)!).push(p.name);
  }
  const toFamilies = (groups: Map<string, string[]>): Family[] =>
    Array.from(groups, ([name, all]) => {
      const view = all.filter((p) => /View(Unscoped)?$/.test(p));
      const edit = all.filter((p) => /(View|Edit|Submit|Push|Download|Report)$/.test(p));
      return {
        name,
        words: name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2'),
        all,
        view: view.length ? view : all,
        edit: edit.length ? edit : all,
      };
    });
  const perms = Array.from(allPermissions());
  const builtins = Array.from(allBuiltinRoles(), (r) => roleInfo(r.name, true, r.spacePermissions, r.systemPermissions, dims));
  return {
    level,
    dims,
    spaceFamilies: toFamilies(spaceGroups),
    systemFamilies: toFamilies(systemGroups),
    spacePerms: perms.filter((p) => p.level !== 'system').map((p) => p.name),
    systemPerms: perms.filter((p) => p.level !== 'space').map((p) => p.name),
    systemOnlyPerms: perms.filter((p) => p.level === 'system').map((p) => p.name),
    spaceOnlyPerms: perms.filter((p) => p.level === 'space').map((p) => p.name),
    builtins,
  };
}

// ---------------------------------------------------------------------------------------------------
// The model

type RoleKind = 'system-only' | 'space' | 'mixed';

interface RoleInfo {
  readonly name: string;
  readonly builtin: boolean;
  readonly kind: RoleKind;
  /** Dimensions the role's (known, space-level) space permissions support. */
  readonly dims: ReadonlySet<Dimension>;
  /** True when the role has at least one known space-level permission (restriction checks apply). */
  readonly restrictable: boolean;
}

function roleInfo(
  name: string,
  builtin: boolean,
  space: readonly string[],
  system: readonly string[],
  dimsOf: ReadonlyMap<string, readonly Dimension[]>,
): RoleInfo {
  const dims = new Set<Dimension>();
  let known = 0;
  for (const p of space) {
    const d = dimsOf.get(p);
    if (!d || getPermission(p)?.level === 'system') continue;
    known++;
    for (const x of d) dims.add(x);
  }
  const kind: RoleKind = space.length === 0 ? 'system-only' : system.length > 0 ? 'mixed' : 'space';
  return { name, builtin, kind, dims, restrictable: known > 0 && !(builtin && name === SPACE_MANAGER) };
}

interface SpaceModel {
  readonly name: string;
  readonly description?: string;
  readonly scopes: Partial<Record<Dimension, string[]>>;
}

interface RoleModel {
  readonly name: string;
  readonly description?: string;
  readonly space: string[];
  readonly system: string[];
  readonly kind: 'Role';
}

interface Assignment {
  readonly role: string;
  readonly space?: string;
  readonly restrictions: [Dimension, string[]][];
  /** Written as a plain role name rather than `role: ...`. */
  readonly short: boolean;
}

interface TeamModel {
  readonly name: string;
  readonly description?: string;
  readonly space?: string;
  readonly members: string[];
  readonly externalGroups: string[];
  readonly roles: Assignment[];
}

const DIMENSION_ORDER: readonly Dimension[] = ['environments', 'projects', 'projectGroups', 'tenants'];

/** Makes a name unique (compared without case) by appending " 2", " 3", ... */
function unique(base: string, taken: Set<string>, reserved?: (lower: string) => boolean): string {
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()) || reserved?.(name.toLowerCase()); n++) name = `${base} ${n}`;
  taken.add(name.toLowerCase());
  return name;
}

/** A misspelling of `name` that `isTaken` rejects not; deterministic given the RNG. */
function typo(rng: Rng, name: string, isTaken: (candidate: string) => boolean): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    const i = rng.int(1, Math.max(1, name.length - 2));
    let t: string;
    switch (rng.int(0, 2)) {
      case 0: // swap two neighbours
        t = name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2);
        break;
      case 1: // drop one letter
        t = name.slice(0, i) + name.slice(i + 1);
        break;
      default: // double one letter
        t = name.slice(0, i) + name[i] + name.slice(i);
    }
    t = t.trim();
    if (t !== name && t.length > 0 && !/\s{2}/.test(t) && !isTaken(t)) return t;
  }
  return `${name}x`;
}

// ---------------------------------------------------------------------------------------------------
// Generation

export function generateWorkspaceDetailed(opts: GenerateOptions): GeneratedWorkspace {
  const total = Math.max(0, Math.floor(opts.files));
  const breachRate = opts.breachRate ?? 0.03;
  const rng = new Rng(opts.seed);
  const cat = buildCatalog();
  const files = new Map<string, string>();
  const breaches: { file: string; code: BreachCode }[] = [];
  let implicitGrants = 0;

  const spaceFileCount = Math.min(total, Math.max(3, Math.round(total / 200)));
  const roleFileCount = Math.round((total - spaceFileCount) * 0.35);
  const teamFileCount = total - spaceFileCount - roleFileCount;

  // Folders of about 100 files each: `<base>/<group>-NN/`; spaces/ is split only past 100 spaces.
  const folderFor = (base: string, index: number, count: number, group: (chunk: number) => string): string => {
    if (base === 'spaces' && count <= 100) return base;
    const chunk = Math.floor(index / 100);
    return `${base}/${group(chunk)}-${String(chunk + 1).padStart(2, '0')}`;
  };
  const usedPaths = new Set<string>();
  const addFile = (folder: string, stem: string, suffix: string, text: string): string => {
    let p = `${folder}/${stem}${suffix}`;
    for (let n = 2; usedPaths.has(p.toLowerCase()); n++) p = `${folder}/${stem}-${n}${suffix}`;
    usedPaths.add(p.toLowerCase());
    files.set(p, text);
    return p;
  };
  const ext = () => (rng.chance(0.05) ? 'yml' : 'yaml');

  // --- Spaces ---------------------------------------------------------------------------------------
  const spaces: SpaceModel[] = [];
  const spaceNames = new Set<string>();
  for (let i = 0; i < spaceFileCount; i++) {
    const base = i < SPACE_BASES.length ? SPACE_BASES[i] : `${REGIONS[Math.floor(i / SPACE_BASES.length - 1) % REGIONS.length]} ${SPACE_BASES[i % SPACE_BASES.length]}`;
    const name = unique(base, spaceNames);
    const areas = rng.sample(AREAS, rng.int(2, 6));
    const projects = new Set<string>();
    const projectCount = rng.int(5, 40);
    for (let k = 0; k < projectCount * 2 && projects.size < projectCount; k++) projects.add(`${rng.pick(areas)} ${rng.pick(COMPONENTS)}`);
    const scopes: Partial<Record<Dimension, string[]>> = {
      environments: [...rng.pick(ENVIRONMENT_LADDERS)],
      projects: [...projects].sort(),
      projectGroups: rng.subset(PROJECT_GROUPS, rng.int(2, 5)),
    };
    if (rng.chance(0.6)) scopes.tenants = rng.subset(TENANTS, rng.int(3, 12));
    if (rng.chance(0.1)) delete scopes.projectGroups; // some spaces leave a dimension unchecked
    spaces.push({ name, description: rng.chance(0.8) ? `${areas.join(', ')}` : undefined, scopes });
  }

  // --- Roles ----------------------------------------------------------------------------------------
  const builtinLower = new Set(cat.builtins.map((b) => b.name.toLowerCase()));
  const roleNames = new Set<string>();
  const customRoles: RoleInfo[] = [];
  const roleFiles: { models: RoleModel[]; breach?: BreachCode }[][] = [];
  const roleFolderArea: string[] = [];
  for (let i = 0; i < roleFileCount; i++) {
    const chunk = Math.floor(i / 100);
    roleFolderArea[chunk] ??= rng.pick(AREAS);
    const docs: { models: RoleModel[]; breach?: BreachCode }[] = [];
    const n = rng.chance(0.5) ? 1 : rng.chance(0.6) ? 2 : 3;
    for (let d = 0; d < n; d++) {
      const area = rng.chance(0.6) ? roleFolderArea[chunk] : rng.pick(AREAS);
      const r = rng.float();
      const kind: RoleKind = r < 0.75 ? 'space' : r < 0.87 ? 'system-only' : 'mixed';
      const space: string[] = [];
      const system: string[] = [];
      let baseName: string;
      let description: string | undefined;
      if (kind === 'system-only') {
        const fams = rng.sample(cat.systemFamilies, rng.int(1, 2));
        const tier: Tier = rng.pick(TIERS);
        for (const f of fams) system.push(...permsOf(f, tier));
        baseName = `${area} ${fams[0].words} ${tier}`;
        description = `Server-wide ${fams.map((f) => f.words.toLowerCase()).join(' and ')} access for ${area.toLowerCase()}`;
      } else {
        const fams = rng.sample(cat.spaceFamilies, rng.int(1, 3));
        const tier: Tier = rng.pick(TIERS);
        for (const f of fams) space.push(...permsOf(f, tier));
        if (rng.chance(0.6)) space.unshift('ProjectView');
        if (rng.chance(0.5)) space.push('EnvironmentView');
        if (rng.chance(0.4)) space.push('TaskView');
        if (kind === 'mixed') {
          for (const p of rng.sample(cat.systemPerms, rng.int(1, 3))) system.push(p);
          baseName = `${area} ${fams[0].words} Lead`;
        } else baseName = `${area} ${fams[0].words} ${tier}`;
        description = `${tier === 'Viewer' ? 'Sees' : tier === 'Editor' ? 'Changes' : 'Owns'} ${fams.map((f) => f.words.toLowerCase()).join(', ')} for ${area.toLowerCase()}`;
      }
      const name = unique(baseName, roleNames, (l) => builtinLower.has(l));
      const model: RoleModel = {
        name,
        description: rng.chance(0.7) ? description : undefined,
        space: dedupe(space),
        system: dedupe(system),
        kind: 'Role',
      };
      customRoles.push(roleInfo(name, false, model.space, model.system, cat.dims));
      let breach: BreachCode | undefined;
      if (rng.chance(breachRate)) breach = breakRole(rng, model, cat);
      docs.push({ models: [model], breach });
    }
    roleFiles.push(docs);
  }

  // --- Teams ----------------------------------------------------------------------------------------
  const spaceRoles = [...customRoles.filter((r) => r.kind !== 'system-only')];
  const systemRoles = [...customRoles.filter((r) => r.kind === 'system-only')];
  const builtinSpaceRoles = cat.builtins.filter((r) => r.kind !== 'system-only');
  const builtinSystemRoles = cat.builtins.filter((r) => r.kind === 'system-only');
  const allRoleNames = new Set([...customRoles.map((r) => r.name), ...cat.builtins.map((r) => r.name)]);
  const spaceNamesLower = new Set(spaces.map((s) => s.name.toLowerCase()));
  const teamNames = new Map<string, Set<string>>(); // space (lower, '' for system teams) -> team names (lower)
  const spaceByName = new Map(spaces.map((s) => [s.name, s]));
  const teamFiles: { team: TeamModel; breach?: BreachCode }[][] = [];
  const teamFolderSpace: SpaceModel[] = [];

  const pickSpaceRole = (): RoleInfo =>
    spaceRoles.length > 0 && rng.chance(0.7) ? rng.pick(spaceRoles) : rng.pick(builtinSpaceRoles);
  const pickSystemRole = (): RoleInfo =>
    systemRoles.length > 0 && rng.chance(0.5) ? rng.pick(systemRoles) : rng.pick(builtinSystemRoles);

  /** Restrictions a role honours, with values from the space's declared lists. */
  const restrictionsFor = (role: RoleInfo, space: SpaceModel): [Dimension, string[]][] => {
    if (!role.restrictable) return [];
    const usable = DIMENSION_ORDER.filter((d) => role.dims.has(d) && (space.scopes[d]?.length ?? 0) > 0);
    if (usable.length === 0) return [];
    return rng.subset(usable, rng.int(1, Math.min(2, usable.length))).map((d) => {
      const values = space.scopes[d]!;
      return [d, rng.subset(values, rng.int(1, Math.min(3, values.length)))];
    });
  };

  for (let i = 0; i < teamFileCount; i++) {
    const chunk = Math.floor(i / 100);
    teamFolderSpace[chunk] ??= spaces[chunk % spaces.length];
    const docs: { team: TeamModel; breach?: BreachCode }[] = [];
    const n = rng.chance(0.65) ? 1 : 2;
    for (let d = 0; d < n; d++) {
      const isSystem = rng.chance(0.2);
      const space = isSystem ? undefined : rng.chance(0.75) ? teamFolderSpace[chunk] : rng.pick(spaces);
      const key = space ? space.name.toLowerCase() : '';
      const taken = teamNames.get(key) ?? teamNames.set(key, new Set()).get(key)!;
      const area = rng.pick(AREAS);
      const name = unique(isSystem ? `${area} ${rng.pick(SYSTEM_TEAM_NOUNS)}` : `${area} ${rng.pick(TEAM_NOUNS)}`, taken);
      const used = new Set<string>();
      const roles: Assignment[] = [];
      const count = isSystem ? rng.int(1, 4) : rng.pick([1, 2, 2, 3, 3, 3, 4, 5]);
      for (let k = 0; k < count; k++) {
        if (isSystem && rng.chance(0.35)) {
          const role = pickSystemRole();
          if (used.has(role.name)) continue;
          used.add(role.name);
          roles.push({ role: role.name, restrictions: [], short: true });
          continue;
        }
        const role = pickSpaceRole();
        if (used.has(role.name)) continue;
        used.add(role.name);
        const applied = space ?? rng.pick(spaces);
        const restrictions = rng.chance(0.5) ? restrictionsFor(role, applied) : [];
        if (role.kind === 'mixed') implicitGrants++;
        if (space) roles.push({ role: role.name, restrictions, short: restrictions.length === 0 && rng.chance(0.8) });
        else roles.push({ role: role.name, space: applied.name, restrictions, short: false });
      }
      const team: TeamModel = {
        name,
        description: rng.chance(0.4) ? `${area} people${space ? ` working in ${space.name}` : ' across all spaces'}` : undefined,
        space: space?.name,
        members: rng.chance(0.6) ? rng.sample(FIRST_NAMES, rng.int(1, 8)).map((u) => (rng.chance(0.3) ? `${u}.${area.toLowerCase()}` : u)) : [],
        externalGroups: rng.chance(0.25) ? [`CN=${name},OU=Groups,DC=corp,DC=example`] : [],
        roles,
      };
      let breach: BreachCode | undefined;
      if (rng.chance(breachRate)) {
        const kinds: BreachCode[] = space
          ? ['unknown-role', 'system-role-in-space-team', 'restriction-not-supported', 'unknown-space']
          : ['unknown-role', 'space-required', 'restriction-not-supported'];
        breach = rng.pick(kinds);
        const ok = breakTeam(rng, team, breach, {
          used,
          pickSpaceRole,
          pickSystemRole,
          spaces,
          spaceByName,
          isTaken: (t) => allRoleNames.has(t),
          isSpaceTaken: (t) => spaceNamesLower.has(t.toLowerCase()),
          onMixedApplied: () => implicitGrants++,
        });
        if (!ok) breach = undefined;
      }
      docs.push({ team, breach });
    }
    teamFiles.push(docs);
  }

  // --- Rendering ------------------------------------------------------------------------------------
  spaces.forEach((s, i) => {
    const folder = folderFor('spaces', i, spaces.length, () => 'part');
    addFile(folder, slug(s.name), `.space.${ext()}`, renderSpace(rng, s));
  });
  roleFiles.forEach((docs, i) => {
    const folder = folderFor('roles', i, roleFiles.length, (c) => slug(roleFolderArea[c]));
    const text = renderFile(rng, docs.map((d) => renderRole(rng, d.models[0])), 'role');
    const file = addFile(folder, slug(docs[0].models[0].name), `.role.${ext()}`, text);
    for (const d of docs) if (d.breach) breaches.push({ file, code: d.breach });
  });
  teamFiles.forEach((docs, i) => {
    const folder = folderFor('teams', i, teamFiles.length, (c) => slug(teamFolderSpace[c].name));
    const text = renderFile(rng, docs.map((d) => renderTeam(rng, d.team)), 'team');
    const file = addFile(folder, slug(docs[0].team.name), `.team.${ext()}`, text);
    for (const d of docs) if (d.breach) breaches.push({ file, code: d.breach });
  });

  return {
    files,
    breaches,
    implicitGrants,
    counts: {
      spaces: spaces.length,
      roles: customRoles.length,
      teams: teamFiles.reduce((n, f) => n + f.length, 0),
      spaceFiles: spaces.length,
      roleFiles: roleFiles.length,
      teamFiles: teamFiles.length,
    },
  };

  function permsOf(f: Family, tier: Tier): string[] {
    const list = tier === 'Viewer' ? f.view : tier === 'Editor' ? f.edit : f.all;
    return list.filter((p) => cat.level.has(p));
  }
}

function dedupe(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** Adds one breach to a role; returns its code. */
function breakRole(rng: Rng, role: RoleModel, cat: Catalog): BreachCode {
  const list = role.space.length > 0 ? role.space : role.system;
  const isKnownName = (t: string) => cat.level.has(t) || getRetiredPermission(t) !== undefined || list.includes(t);
  if (rng.chance(0.5)) {
    const bad = typo(rng, rng.pick(list), isKnownName);
    list.splice(rng.int(0, list.length), 0, bad);
    return 'unknown-permission';
  }
  // A system-only permission among the space permissions, or a space-only one among the system permissions.
  const pool = (role.space.length > 0 ? cat.systemOnlyPerms : cat.spaceOnlyPerms).filter((p) => !list.includes(p));
  list.splice(rng.int(0, list.length), 0, rng.pick(pool));
  return 'wrong-level';
}

interface TeamBreachContext {
  readonly used: Set<string>;
  readonly pickSpaceRole: () => RoleInfo;
  readonly pickSystemRole: () => RoleInfo;
  readonly spaces: readonly SpaceModel[];
  readonly spaceByName: ReadonlyMap<string, SpaceModel>;
  readonly isTaken: (roleName: string) => boolean;
  readonly isSpaceTaken: (spaceName: string) => boolean;
  readonly onMixedApplied: () => void;
}

/** Adds one breach of kind `code` to a team; false when no suitable role was found. */
function breakTeam(rng: Rng, team: TeamModel, code: BreachCode, ctx: TeamBreachContext): boolean {
  const insert = (a: Assignment) => team.roles.splice(rng.int(0, team.roles.length), 0, a);
  const fresh = (pick: () => RoleInfo, ok: (r: RoleInfo) => boolean = () => true): RoleInfo | undefined => {
    for (let i = 0; i < 100; i++) {
      const r = pick();
      if (!ctx.used.has(r.name) && ok(r)) return r;
    }
    return undefined;
  };
  switch (code) {
    case 'unknown-role': {
      const target = team.space || rng.chance(0.6) ? ctx.pickSpaceRole() : ctx.pickSystemRole();
      const bad = typo(rng, target.name, ctx.isTaken);
      if (team.space || target.kind === 'system-only') insert({ role: bad, restrictions: [], short: true });
      else insert({ role: bad, space: rng.pick(ctx.spaces).name, restrictions: [], short: false });
      return true;
    }
    case 'system-role-in-space-team': {
      const role = fresh(ctx.pickSystemRole);
      if (!role) return false;
      insert({ role: role.name, restrictions: [], short: true });
      return true;
    }
    case 'space-required': {
      const role = fresh(ctx.pickSpaceRole);
      if (!role) return false;
      insert({ role: role.name, restrictions: [], short: true });
      return true;
    }
    case 'restriction-not-supported': {
      const role = fresh(ctx.pickSpaceRole, (r) => r.restrictable && DIMENSION_ORDER.some((d) => !r.dims.has(d)));
      if (!role) return false;
      const dimension = rng.pick(DIMENSION_ORDER.filter((d) => !role.dims.has(d)));
      const space = team.space ? ctx.spaceByName.get(team.space)! : rng.pick(ctx.spaces);
      const declared = space.scopes[dimension];
      const values = declared?.length ? rng.subset(declared, 1) : [dimension === 'tenants' ? 'Acme' : 'Shared'];
      if (role.kind === 'mixed') ctx.onMixedApplied();
      insert({ role: role.name, space: team.space ? undefined : space.name, restrictions: [[dimension, values]], short: false });
      return true;
    }
    case 'unknown-space': {
      (team as { space?: string }).space = typo(rng, team.space!, ctx.isSpaceTaken);
      return true;
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// YAML text, written by hand so the style varies the way hand-kept files do

const PLAIN = /^[A-Za-z][A-Za-z0-9 ._()/-]*$/;
const KEYWORDS = /^(true|false|yes|no|on|off|y|n|null)$/i;

/** A scalar, plain when that is safe (also inside a flow list), else double-quoted. */
function q(s: string): string {
  return PLAIN.test(s) && !KEYWORDS.test(s) && !s.endsWith(' ') ? s : JSON.stringify(s);
}

function list(rng: Rng, key: string, items: readonly string[], indent: string, flowMax = 6): string {
  if (items.length <= flowMax && rng.chance(0.45)) return `${indent}${key}: [${items.map(q).join(', ')}]\n`;
  const dash = rng.chance(0.85) ? `${indent}  - ` : `${indent}- `;
  return `${indent}${key}:\n${items.map((i) => `${dash}${q(i)}\n`).join('')}`;
}

function renderFile(rng: Rng, docs: string[], kind: string): string {
  let text = '';
  if (rng.chance(0.15)) text += `# ${kind === 'role' ? 'Custom user roles' : 'Teams'}; reviewed by the platform team.\n`;
  if (rng.chance(0.05)) text += '---\n';
  return text + docs.join('---\n');
}

function renderSpace(rng: Rng, s: SpaceModel): string {
  let t = rng.chance(0.2) ? 'kind: Space\n' : '';
  t += `name: ${q(s.name)}\n`;
  if (s.description) t += `description: ${q(s.description)}\n`;
  for (const d of DIMENSION_ORDER) {
    const values = s.scopes[d];
    if (values) t += list(rng, d, values, '', 8);
  }
  return t;
}

function renderRole(rng: Rng, r: RoleModel): string {
  let t = rng.chance(0.1) ? `kind: ${r.kind}\n` : '';
  t += `name: ${q(r.name)}\n`;
  if (r.description) t += `description: ${q(r.description)}\n`;
  if (r.space.length) t += list(rng, 'spacePermissions', r.space, '');
  if (r.system.length) t += list(rng, 'systemPermissions', r.system, '');
  return t;
}

function renderTeam(rng: Rng, team: TeamModel): string {
  let t = rng.chance(0.1) ? 'kind: Team\n' : '';
  t += `name: ${q(team.name)}\n`;
  if (team.description) t += `description: ${q(team.description)}\n`;
  if (team.space) t += `space: ${q(team.space)}\n`;
  if (team.members.length) t += list(rng, 'members', team.members, '');
  if (team.externalGroups.length) t += list(rng, 'externalGroups', team.externalGroups, '');
  if (team.roles.length === 0) return t + 'roles: []\n';
  t += 'roles:\n';
  for (const a of team.roles) {
    if (a.short) {
      t += `  - ${q(a.role)}\n`;
      continue;
    }
    t += `  - role: ${q(a.role)}\n`;
    if (a.space) t += `    space: ${q(a.space)}\n`;
    for (const [d, values] of a.restrictions) t += list(rng, d, values, '    ', 4);
  }
  return t;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

// ---------------------------------------------------------------------------------------------------
// Writing to disk

/** Writes a generated workspace below `dir` (which is created). */
export function writeWorkspace(dir: string, files: ReadonlyMap<string, string>): void {
  const made = new Set<string>();
  for (const [rel, text] of files) {
    const full = path.join(dir, ...rel.split('/'));
    const parent = path.dirname(full);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    writeFileSync(full, text);
  }
}

function cliMain(argv: readonly string[]): number {
  const [dir, filesArg, seedArg] = argv;
  const files = Number(filesArg);
  const seed = seedArg === undefined ? 1 : Number(seedArg);
  if (!dir || !Number.isInteger(files) || files < 1 || !Number.isInteger(seed)) {
    process.stderr.write('Usage: node out/test/support/generate.js DIR FILES [SEED]\n');
    return 2;
  }
  let existing: string[] = [];
  try {
    existing = readdirSync(dir);
  } catch {
    // does not exist yet
  }
  if (existing.length > 0) process.stderr.write(`generate: warning: ${dir} is not empty; files from earlier runs stay and join the workspace\n`);
  const ws = generateWorkspaceDetailed({ files, seed });
  writeWorkspace(dir, ws.files);
  const byCode = new Map<string, number>();
  for (const b of ws.breaches) byCode.set(b.code, (byCode.get(b.code) ?? 0) + 1);
  const c = ws.counts;
  process.stdout.write(
    `wrote ${ws.files.size} files to ${dir}: ${c.spaceFiles} space, ${c.roleFiles} role (${c.roles} roles), ${c.teamFiles} team (${c.teams} teams)\n` +
      `deliberate breaches: ${ws.breaches.length}${byCode.size ? ` (${[...byCode].map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}; ` +
      `expected implicit-system-grant notes: ${ws.implicitGrants}\n`,
  );
  return 0;
}

if (require.main === module) process.exitCode = cliMain(process.argv.slice(2));

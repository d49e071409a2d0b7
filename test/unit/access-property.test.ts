/**
 * Property tests of effective access against Octopus's own rule (SPEC section 8, rule 5): an action is
 * allowed in a context when any one scoped role of the user's teams admits it, each of its restricted
 * dimensions listing the context's value. For random small models (2 to 4 teams, restrictions over 2 to 3
 * values per dimension, with and without a space that maps project groups to projects), every concrete
 * context is checked: "some record of explain admits it" equals "Octopus allows it", computed here directly
 * from the assignments; and `diff` reports a gain (a loss) exactly at the contexts allowed after and not
 * before (before and not after).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { accessOf, accessTeams, compareIndexes, DIMENSIONS, getPermission, Workspace, type Dimension, type Grant } from '../../server/src/service';

const VALUES: Record<Dimension, readonly string[]> = {
  environments: ['Dev', 'Test', 'Production'],
  projects: ['Billing', 'Payroll', 'Shop'],
  projectGroups: ['Back office', 'Web'],
  tenants: ['Acme', 'Globex'],
};
/** The space's map of groups to projects, when a run uses one. */
const MAP: Record<string, readonly string[]> = { 'Back office': ['Billing', 'Payroll'], Web: ['Shop'] };
const PERMISSIONS = ['DeploymentCreate', 'ProjectView', 'EnvironmentView'] as const;
const ROLES: Record<string, readonly string[]> = { Deployer: PERMISSIONS, Viewer: ['ProjectView'] };

/** A value that no record names, and untenanted work. */
const OTHER = '(any other)';
const UNTENANTED = '(untenanted)';

interface AssignmentSpec {
  role: string;
  restrictions: Partial<Record<Dimension, string[]>>;
}
interface TeamSpec {
  alice: boolean;
  assignments: AssignmentSpec[];
}

const subset = (values: readonly string[]) => fc.subarray([...values], { minLength: 1 });
const assignment: fc.Arbitrary<AssignmentSpec> = fc.record({
  role: fc.constantFrom(...Object.keys(ROLES)),
  restrictions: fc.record(
    { environments: subset(VALUES.environments), projects: subset(VALUES.projects), projectGroups: subset(VALUES.projectGroups), tenants: subset(VALUES.tenants) },
    { requiredKeys: [] },
  ),
});
const model = fc.array(fc.record({ alice: fc.boolean(), assignments: fc.array(assignment, { minLength: 1, maxLength: 2 }) }), { minLength: 2, maxLength: 4 });

function workspace(teams: readonly TeamSpec[], mapped: boolean): Workspace {
  const w = new Workspace();
  w.setFile('file:///w/roles.role.yaml', Object.entries(ROLES).map(([name, perms]) => `name: ${name}\nspacePermissions: [${perms.join(', ')}]\n`).join('---\n'));
  const groups = mapped ? `projectGroups: { ${Object.entries(MAP).map(([g, ps]) => `${g}: [${ps.join(', ')}]`).join(', ')} }` : `projects: [${VALUES.projects.join(', ')}]\nprojectGroups: [${VALUES.projectGroups.join(', ')}]`;
  w.setFile('file:///w/finance.space.yaml', `name: Finance\nenvironments: [${VALUES.environments.join(', ')}]\n${groups}\ntenants: [${VALUES.tenants.join(', ')}]\n`);
  teams.forEach((t, i) => {
    const lines = [`name: T${i}`, 'space: Finance', `members: [${t.alice ? 'alice, ' : ''}bob]`, 'roles:'];
    for (const a of t.assignments) {
      lines.push(`  - role: ${a.role}`);
      for (const d of DIMENSIONS) if (a.restrictions[d]) lines.push(`    ${d}: [${a.restrictions[d]!.join(', ')}]`);
    }
    w.setFile(`file:///w/t${i}.team.yaml`, lines.join('\n') + '\n');
  });
  return w;
}

type Context = Record<Dimension, string>;

/** Every concrete context: each named value and one other per dimension, untenanted work too. */
function contexts(mapped: boolean): Context[] {
  const out: Context[] = [];
  for (const environments of [...VALUES.environments, OTHER])
    for (const projects of [...VALUES.projects, OTHER])
      for (const projectGroups of mapped ? [Object.keys(MAP).find((g) => MAP[g].includes(projects)) ?? OTHER] : [...VALUES.projectGroups, OTHER])
        for (const tenants of [...VALUES.tenants, OTHER, UNTENANTED]) out.push({ environments, projects, projectGroups, tenants });
  return out;
}

/** The dimensions a permission honours: a project group stands for its projects (SPEC section 1, rule 4). */
function supported(permission: string): Dimension[] {
  const r = getPermission(permission)!.restrictions;
  return r.includes('projects') && !r.includes('projectGroups') ? [...r, 'projectGroups'] : [...r];
}

/** What Octopus does: any one of alice's scoped roles granting the permission admits the context. */
function octopusAllows(teams: readonly TeamSpec[], permission: string, c: Context): boolean {
  const dims = supported(permission);
  return teams.some(
    (t) => t.alice && t.assignments.some((a) => ROLES[a.role].includes(permission) && dims.every((d) => !a.restrictions[d] || a.restrictions[d]!.includes(c[d]))),
  );
}

/** Whether a record (or a gain or loss) admits a context, read from its lists alone. */
function admits(g: Grant, c: Context): boolean {
  return DIMENSIONS.every((d) => (!g.restrictions[d] || g.restrictions[d]!.includes(c[d])) && !g.except?.[d]?.includes(c[d]));
}

const recordsOf = (w: Workspace, permission: string) => accessOf(accessTeams(w), { kind: 'user', name: 'alice' }).grants.filter((g) => g.permission === permission && g.space === 'Finance');

describe('effective access against Octopus, on random models', () => {
  it('admits a context through some record of explain exactly when Octopus allows it', () => {
    fc.assert(
      fc.property(model, fc.boolean(), (teams, mapped) => {
        const w = workspace(teams, mapped);
        for (const permission of PERMISSIONS) {
          const records = recordsOf(w, permission);
          for (const c of contexts(mapped)) {
            assert.equal(records.some((g) => admits(g, c)), octopusAllows(teams, permission, c), `${permission} in ${JSON.stringify(c)}: ${JSON.stringify(records)}`);
          }
          // A covered record is admitted entirely by the record it is shown under.
          for (const g of records) for (const covered of g.covers ?? []) for (const c of contexts(mapped)) if (admits(covered, c)) assert.ok(admits(g, c));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reports a gain (a loss) for alice exactly at the contexts allowed after and not before (before and not after)', () => {
    fc.assert(
      fc.property(model, model, fc.boolean(), (before, after, mapped) => {
        const result = compareIndexes(workspace(before, mapped), workspace(after, mapped));
        const alice = result.access.find((a) => a.principal.kind === 'user' && a.principal.name === 'alice');
        for (const permission of PERMISSIONS) {
          const gains = (alice?.gains ?? []).filter((g) => g.permission === permission);
          const losses = (alice?.losses ?? []).filter((g) => g.permission === permission);
          let gained = false;
          let lost = false;
          for (const c of contexts(mapped)) {
            const was = octopusAllows(before, permission, c);
            const is = octopusAllows(after, permission, c);
            gained ||= is && !was;
            lost ||= was && !is;
            assert.equal(gains.some((g) => admits(g, c)), is && !was, `gain of ${permission} in ${JSON.stringify(c)}: ${JSON.stringify(gains)}`);
            assert.equal(losses.some((g) => admits(g, c)), was && !is, `loss of ${permission} in ${JSON.stringify(c)}: ${JSON.stringify(losses)}`);
          }
          // Nothing is reported where no context changed (exit status 3 would be a false alarm).
          assert.equal(gains.length > 0, gained, `gains of ${permission}: ${JSON.stringify(gains)}`);
          assert.equal(losses.length > 0, lost, `losses of ${permission}: ${JSON.stringify(losses)}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});

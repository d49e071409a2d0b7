import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { allBuiltinRoles, allPermissions, BUILTIN_TEAMS, builtinTeamId, getPermission } from '../../server/src/service/catalog';
import { PERMISSION_DESCRIPTIONS, BUILTIN_ROLE_DESCRIPTIONS } from '../../server/src/service/catalog/descriptions';
import { RETIRED_PERMISSION_FACTS } from '../../server/src/service/catalog/facts';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Where the Octopus facts are read from: the repository's copy (facts/octopus), always, and the shared
 * folder beside the repository (../shared/octopus) when it is there, as on developer machines and in CI.
 * facts.ts is generated from the copy; the copy is refreshed from the shared folder.
 */
const SOURCES = [
  { label: 'facts/octopus', dir: path.join(ROOT, 'facts', 'octopus') },
  { label: '../shared/octopus', dir: path.resolve(ROOT, '..', 'shared', 'octopus') },
].filter((s, i) => i === 0 || existsSync(s.dir));

const HOW_TO_FIX = 'the catalog has drifted from the Octopus facts: run `npm run gen:catalog` (or `npm run gen:catalog:refresh` to copy ../shared/octopus first)';

interface SharedPermission {
  name: string;
  level: string;
  restrictions: string[];
}
interface SharedRole {
  name: string;
  grantedSystemPermissions: string[];
  grantedSpacePermissions: string[];
}
interface SharedRetired {
  name: string;
  replacement: string | null;
  why: string;
}

const read = <T>(dir: string, name: string): T => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as T;

describe('the permission catalog', () => {
  for (const { label, dir } of SOURCES) {
    it(`matches ${label}/permissions.json: names, levels and restrictions`, () => {
      const facts = read<SharedPermission[]>(dir, 'permissions.json').map((p) => ({ name: p.name, level: p.level, restrictions: [...p.restrictions].sort() }));
      const ours = Array.from(allPermissions(), (p) => ({ name: p.name, level: p.level, restrictions: [...p.restrictions].sort() }));
      assert.deepEqual(ours, facts, HOW_TO_FIX);
    });

    it(`matches ${label}/builtin-roles.json: every role and its grants`, () => {
      const facts = read<SharedRole[]>(dir, 'builtin-roles.json').map((r) => ({ name: r.name, system: r.grantedSystemPermissions, space: r.grantedSpacePermissions }));
      const ours = Array.from(allBuiltinRoles(), (r) => ({ name: r.name, system: [...r.systemPermissions], space: [...r.spacePermissions] }));
      assert.deepEqual(ours, facts, HOW_TO_FIX);
    });

    it(`matches ${label}/builtin-teams.json: every built-in team, its id, level, fixed role and whether its members and roles change`, () => {
      interface SharedTeam {
        name: string;
        id: string;
        level: string;
        holds: { role: string }[];
        canChangeMembers: boolean | null;
        canChangeRoles: boolean | null;
      }
      const roleIds = new Map(read<{ name: string; id: string }[]>(dir, 'builtin-roles.json').map((r) => [r.id, r.name]));
      const facts = read<{ teams: SharedTeam[] }>(dir, 'builtin-teams.json').teams.map((t) => ({ name: t.name, id: t.id, level: t.level, holds: t.holds.map((h) => roleIds.get(h.role))[0], membersChange: t.canChangeMembers }));
      const ours = BUILTIN_TEAMS.map((t) => ({ name: t.name, id: t.level === 'space' ? builtinTeamId(t, 'SPACEID') : t.id, level: t.level, holds: t.holds, membersChange: t.membersChange }));
      assert.deepEqual(ours, facts, HOW_TO_FIX);
      // Where the facts know it: the one team whose roles Octopus fixes is Octopus Administrators.
      for (const t of read<{ teams: SharedTeam[] }>(dir, 'builtin-teams.json').teams) if (t.canChangeRoles !== null) assert.equal(BUILTIN_TEAMS.find((b) => b.name === t.name)!.rolesChange, t.canChangeRoles, t.name);
    });

    it(`matches ${label}/retired-permissions.json: names, replacements and reasons`, () => {
      const facts = read<SharedRetired[]>(dir, 'retired-permissions.json').map((r) => ({ name: r.name, replacement: r.replacement, why: r.why }));
      assert.deepEqual(RETIRED_PERMISSION_FACTS.map((r) => ({ name: r.name, replacement: r.replacement, why: r.why })), facts, HOW_TO_FIX);
    });
  }

  it('has 139 permissions, each with its own description', () => {
    const all = [...allPermissions()];
    assert.equal(all.length, 139);
    assert.deepEqual(Object.keys(PERMISSION_DESCRIPTIONS).sort(), all.map((p) => p.name).sort());
    for (const p of all) assert.ok(p.description.length >= 10, `${p.name} has no description`);
  });

  it('describes every built-in role, and every granted permission exists at a level that allows it', () => {
    const roles = [...allBuiltinRoles()];
    assert.equal(roles.length, 22);
    assert.deepEqual(Object.keys(BUILTIN_ROLE_DESCRIPTIONS).sort(), roles.map((r) => r.name).sort());
    for (const r of roles) {
      for (const name of r.spacePermissions) assert.notEqual(getPermission(name)?.level ?? 'missing', 'system', `${r.name}: ${name}`);
      for (const name of r.systemPermissions) assert.notEqual(getPermission(name)?.level ?? 'missing', 'space', `${r.name}: ${name}`);
    }
  });

  it('names no retired permission that is also current, and every replacement is current', () => {
    for (const r of RETIRED_PERMISSION_FACTS) {
      assert.equal(getPermission(r.name), undefined, r.name);
      if (r.replacement) assert.ok(getPermission(r.replacement), `${r.name} -> ${r.replacement}`);
    }
  });

  it('knows which built-in roles grant a permission', () => {
    assert.ok(getPermission('UserView')!.builtinRoles.includes('Space Manager'));
    assert.ok(!getPermission('AdministerSystem')!.builtinRoles.includes('System Manager'));
    assert.ok(getPermission('AdministerSystem')!.builtinRoles.includes('System Administrator'));
  });
});

/**
 * What package.json and schemas/ declare stays in step with the service (test/support/manifest.ts
 * generates both; `npm run gen:docs` rewrites the setting, `node scripts/gen-manifest.mjs` the schemas),
 * and the schemas accept every example
 * and refuse documents that the checker reports as errors of shape or permission.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { RULE_CODES, RULES } from '../../server/src/service';
import { rulesSetting, schemaOf, SEVERITY_SETTINGS } from '../support/manifest';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const KINDS = ['role', 'team', 'space', 'policy'] as const;
const readSchema = (kind: string) => JSON.parse(readFileSync(path.join(ROOT, 'schemas', `${kind}.json`), 'utf8'));

function validator(kind: (typeof KINDS)[number]) {
  const ajv = new Ajv({ allErrors: true, strict: true });
  return ajv.compile(readSchema(kind));
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? yamlFiles(path.join(dir, n)) : /\.(role|team|space|policy)\.yaml$/.test(n) ? [path.join(dir, n)] : []));

describe('the package manifest and schemas', () => {
  it('octopusRoles.rules lists every rule code with the severities it accepts (and its options), and nothing else', () => {
    type Shape = { enum?: string[]; anyOf?: { enum?: string[]; properties?: Record<string, unknown> }[] };
    const setting: { properties: Record<string, Shape>; additionalProperties: unknown } = pkg.contributes.configuration.properties['octopusRoles.rules'];
    assert.deepEqual<unknown>(setting, rulesSetting(), 'run `npm run gen:docs`');
    assert.deepEqual(Object.keys(setting.properties), [...RULE_CODES]);
    for (const code of RULE_CODES) {
      const shape = setting.properties[code];
      assert.deepEqual(shape.enum ?? shape.anyOf?.[0].enum, [...SEVERITY_SETTINGS], code);
      const options = Object.keys(RULES[code].options ?? {});
      assert.deepEqual(Object.keys(shape.anyOf?.[1].properties ?? {}), options.length ? ['severity', ...options] : [], code);
    }
    // A misspelt code is refused by the settings editor.
    assert.equal(setting.additionalProperties, false);
  });

  it('gives the language YAML\'s indentation defaults: two spaces, never tabs', () => {
    const defaults = pkg.contributes.configurationDefaults['[octopus-roles]'];
    assert.equal(defaults['editor.tabSize'], 2);
    assert.equal(defaults['editor.insertSpaces'], true);
  });

  it('ships schemas/*.json generated from the catalog, in the npm package too', () => {
    for (const kind of KINDS) assert.deepEqual(readSchema(kind), schemaOf(kind), `schemas/${kind}.json is stale: run scripts/gen-manifest.mjs`);
    assert.ok(pkg.files.includes('schemas/*.json'));
    const role = readSchema('role');
    assert.ok(role.properties.spacePermissions.items.enum.includes('ProjectView'));
    assert.ok(!role.properties.spacePermissions.items.enum.includes('UserView'), 'a system-only permission is not a space permission');
    assert.ok(role.properties.systemPermissions.items.enum.includes('UserView'));
  });

  it('accepts every document of examples/acme', () => {
    const files = yamlFiles(path.join(ROOT, 'examples', 'acme'));
    assert.ok(files.length >= 10);
    for (const file of files) {
      const kind = /\.(role|team|space|policy)\.yaml$/.exec(file)![1] as (typeof KINDS)[number];
      const validate = validator(kind);
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8')) as ReturnType<typeof parseAllDocuments> & unknown[]) {
        assert.ok(validate(doc.toJS()), `${path.relative(ROOT, file)}: ${JSON.stringify(validate.errors)}`);
      }
    }
  });

  it('refuses unknown and misplaced permissions, missing names, unknown keys and malformed assignments', () => {
    const role = validator('role');
    const team = validator('team');
    const space = validator('space');
    assert.ok(role({ name: 'R', spacePermissions: ['ProjectView'], systemPermissions: ['UserView'] }));
    assert.ok(!role({ name: 'R', spacePermissions: ['ProjectVeiw'] }), 'unknown-permission');
    assert.ok(!role({ name: 'R', spacePermissions: ['UserView'] }), 'wrong-level');
    assert.ok(!role({ name: 'R', spacePermissions: ['TaskViewLog'] }), 'retired-permission');
    assert.ok(!role({ spacePermissions: ['ProjectView'] }), 'missing-name');
    assert.ok(!role({ name: 'R', spacePermission: ['ProjectView'] }), 'unknown-key');
    assert.ok(!role({ name: 'R', kind: 'Team' }), 'kind-mismatch');
    assert.ok(team({ name: 'T', roles: ['Project Viewer', { role: 'Deployer', space: 'Finance', environments: ['Test'] }] }));
    assert.ok(!team({ name: 'T', roles: [{ space: 'Finance' }] }), 'an assignment without a role');
    assert.ok(!team({ name: 'T', roles: [{ role: 'R', environment: ['Test'] }] }), 'a misspelt restriction');
    assert.ok(!team({ name: 'T', roles: 'Project Viewer' }), 'roles must be a list');
    assert.ok(space({ name: 'Finance', environments: ['Test'], tenants: [] }));
    assert.ok(!space({ name: 'Finance', environments: 'Test' }));
    const policy = validator('policy');
    assert.ok(policy({ policies: [{ name: 'P', permission: 'DeploymentCreate', space: 'Finance', only: ['team:Deployers', 'Everyone'] }, { name: 'Q', capability: 'export-projects', unrestricted: 'none' }] }));
    assert.ok(!policy({ policies: [{ permission: 'DeploymentCreate', only: [] }] }), 'missing-name');
    assert.ok(!policy({ policies: [{ name: 'P', permission: 'DeploymentCreate', capability: 'export-projects', only: [] }] }), 'two subjects');
    assert.ok(!policy({ policies: [{ name: 'P', permission: 'DeploymentCreat', only: [] }] }), 'unknown-permission');
    assert.ok(!policy({ policies: [{ name: 'P', permission: 'DeploymentCreate', unrestricted: 'some' }] }), 'unrestricted: none only');
    assert.ok(!policy({ name: 'P' }), 'a policy file holds `policies`');
  });

  it('refuses the showcase role file, which holds unknown, retired and misplaced permissions', () => {
    const validate = validator('role');
    const docs = parseAllDocuments(readFileSync(path.join(ROOT, 'examples', 'showcase', 'roles.role.yaml'), 'utf8')) as unknown as { toJS(): unknown }[];
    assert.ok(docs.some((d) => !validate(d.toJS())));
  });
});

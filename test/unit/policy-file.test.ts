/**
 * Policy files (SPEC section 11): `*.policy.yaml` read by the YAML front-end like role, team and space
 * files, each policy of a file's `policies` list one document of the model, and every shape problem a
 * diagnostic (never an exception), hostile names and huge lists included.
 */
import * as assert from 'node:assert/strict';
import { Workspace, type Doc, type PolicyDoc } from '../../server/src/service';
import { kindOfPath } from '../../server/src/service/syntax';

const URI = 'file:///w/access.policy.yaml';

function read(text: string): { docs: readonly Doc[]; codes: string[]; messages: string[] } {
  const ws = new Workspace();
  ws.setFile(URI, text);
  const d = ws.diagnostics(URI);
  return { docs: ws.model(URI)!.docs, codes: d.map((x) => x.code), messages: d.map((x) => x.message) };
}

const policies = (docs: readonly Doc[]) => docs.filter((d): d is PolicyDoc => d.kind === 'policy');

describe('policy files (SPEC section 11)', () => {
  it('are read by suffix, *.policy.yaml and *.policy.yml', () => {
    assert.equal(kindOfPath('a/b/access.policy.yaml'), 'policy');
    assert.equal(kindOfPath('a/b/ACCESS.Policy.yml'), 'policy');
    assert.equal(kindOfPath('a/b/policy.yaml'), undefined);
  });

  it('reads each policy of `policies` as a document with its subject, context and assertion', () => {
    const { docs, codes } = read(
      [
        'kind: Policy',
        'policies:',
        '  - name: Only release managers deploy to production',
        '    permission: DeploymentCreate',
        '    space: Finance',
        '    environment: Production',
        '    only: [team:Release Managers, team:Octopus Administrators]',
        '  - name: Auditors see every event',
        '    permission: EventView',
        '    includes: ["group:CN=Audit,DC=corp"]',
        '  - name: Nobody exports untenanted',
        '    capability: export-projects',
        '    untenanted: true',
        '    unrestricted: none',
        '',
      ].join('\n'),
    );
    assert.deepEqual(codes.filter((c) => c !== 'unknown-principal' && c !== 'policy-breach' && c !== 'unknown-space'), []);
    const [a, b, c] = policies(docs);
    assert.equal(docs.length, 3);
    assert.equal(a.name?.value, 'Only release managers deploy to production');
    assert.equal(a.permission?.value, 'DeploymentCreate');
    assert.equal(a.context.space?.value, 'Finance');
    assert.equal(a.context.environment?.value, 'Production');
    assert.deepEqual(a.only?.items.map((i) => i.value), ['team:Release Managers', 'team:Octopus Administrators']);
    assert.deepEqual(b.includes?.items.map((i) => i.value), ['group:CN=Audit,DC=corp']);
    assert.equal(c.capability?.value, 'export-projects');
    assert.equal(c.context.untenanted?.value, true);
    assert.equal(c.unrestricted?.value, 'none');
    assert.deepEqual([a.index, b.index, c.index], [0, 1, 2]);
  });

  it('reports what cannot make a policy, each at its value', () => {
    const { codes, messages } = read(
      [
        'policies:',
        '  - permission: DeploymentCreate', // no name
        '    only: [team:A]',
        '  - name: two subjects',
        '    permission: DeploymentCreate',
        '    capability: export-projects',
        '    only: [team:A]',
        '  - name: unknown capability',
        '    capability: delete-everything',
        '    only: [team:A]',
        '  - name: no assertion',
        '    permission: DeploymentCreate',
        '  - name: wrong unrestricted',
        '    permission: DeploymentCreate',
        '    unrestricted: some',
        '  - name: bad principal',
        '    permission: DeploymentCreate',
        '    only: [Release Managers, 7, team:]',
        '  - name: tenant and untenanted',
        '    permission: DeploymentCreate',
        '    tenant: Acme',
        '    untenanted: true',
        '    only: [team:A]',
        '  - name: typo',
        '    permision: DeploymentCreate',
        '    only: [team:A]',
        'other: 1',
        '',
      ].join('\n'),
    );
    assert.ok(codes.includes('missing-name'));
    const invalid = messages.filter((_, i) => codes[i] === 'invalid-value');
    for (const part of ['`capability` must be absent', '`capability` must be one of', 'given what must hold', '`unrestricted` must be `none`', '`untenanted` must be absent']) {
      assert.ok(invalid.some((m) => m.includes(part)), `no invalid-value saying ${part}: ${invalid.join(' | ')}`);
    }
    assert.equal(invalid.filter((m) => m.startsWith('An item of `only`')).length, 3, invalid.join(' | '));
    assert.equal(codes.filter((c) => c === 'unknown-key').length, 2);
    assert.ok(messages.some((m) => m.includes('`permision`') && m.includes('permission')));
  });

  it('turns a file of the wrong shape into diagnostics, never an exception', () => {
    for (const text of ['- a\n- b\n', 'policies: 7\n', 'policies: {a: 1}\n', 'policies:\n  - 7\n  - [a]\n  -\n', '', 'policies:\n', '\u0000\u001b[31m', 'policies: &a [*a]\n']) {
      assert.doesNotThrow(() => read(text), JSON.stringify(text));
    }
    assert.ok(read('policies: 7\n').codes.includes('invalid-value'));
    assert.ok(read('- a\n').codes.includes('invalid-value'));
  });

  it('reads a list of 100,000 principals in linear time', () => {
    const items = Array.from({ length: 100000 }, (_, i) => `      - user:u${i}`).join('\n');
    const started = Date.now();
    const { docs } = read(`policies:\n  - name: big\n    permission: DeploymentCreate\n    only:\n${items}\n`);
    assert.equal(policies(docs)[0].only?.items.length, 100000);
    assert.ok(Date.now() - started < 20000);
  });
});

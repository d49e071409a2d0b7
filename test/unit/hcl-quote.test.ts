/**
 * `hclString`, the one writer of Terraform string literals, held to HashiCorp's HCL parser (hcl2json):
 * every string it writes parses, is a literal (never a template), and reads back as the value it was
 * given, as Terraform holds it (valid Unicode, normal form C). The Terraform front-end's reader and its
 * quick fixes are held to the same parser.
 */
import * as assert from 'node:assert/strict';
import { ensureTerraform } from '../../server/src/node/terraform';
import { applyEdits, codeFixes, DEFAULT_SETTINGS, hclString, Workspace } from '../../server/src/service';
import { literalOf, parseHcl, readStrings, terraformValue, wellFormed } from '../support/hcl';
import { CONTROLS, FRAGMENTS, HOSTILE_NAMES, hostileSample } from '../support/hostile-names';

/**
 * What HCL's native syntax accepts between the quotes of a literal (hclsyntax's scanner and
 * decodeStringLit): the escapes \n \r \t \" \\ \uNNNN \UNNNNNNNN, `$${` and `%%{` for a literal template
 * opener; here also no raw control, format or separator character, and no other `${` or `%{`.
 */
const ESCAPED_TEXT = /^"(?:[^"\\$%\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\\[nrt"\\]|\\u[0-9a-f]{4}|\\U[0-9a-f]{8}|\$\$\{|%%\{|[$%](?!\{))*"$/u;

describe('hclString: Terraform string literals, read back by HCL', () => {
  const corpus = [...FRAGMENTS, ...HOSTILE_NAMES, CONTROLS.join(''), ...hostileSample(400)];

  it('writes every string of the corpus as a literal that HCL reads back as the same value', async () => {
    const quoted = corpus.map(hclString);
    const values = await readStrings(quoted);
    corpus.forEach((s, i) => {
      assert.equal(values[i], terraformValue(s), `${JSON.stringify(s)} written as ${quoted[i]}`);
    });
  });

  it('writes only escapes HCL has, and no raw control, format or separator character', () => {
    for (const s of corpus) assert.match(hclString(s), ESCAPED_TEXT, JSON.stringify(s));
    assert.equal(hclString('\b\f'), '"\\u0008\\u000c"');
    assert.equal(hclString('$${var.x} %%{x}'), '"\\u0024$${var.x} \\u0025%%{x}"');
    assert.equal(hclString('\ud83d\ude00'), '"\ud83d\ude00"', 'a character beyond the BMP is written as it is');
    assert.equal(hclString('\u{e0041}'), '"\\U000e0041"', 'a format character beyond the BMP is escaped whole');
    assert.equal(hclString('\udc00\ud800'), '"\\ufffd\\ufffd"', 'lone surrogates, in either order');
  });

  it('is read back by the Terraform front-end as the same value (lone surrogates as U+FFFD)', async () => {
    await ensureTerraform();
    const ws = new Workspace();
    corpus.forEach((s, i) => ws.setFile(`/m/r${i}.tf`, `resource "octopusdeploy_user_role" "r${i}" {\n  name = ${hclString(s)}\n}\n`));
    corpus.forEach((s, i) => assert.equal(ws.model(`/m/r${i}.tf`)?.docs[0]?.name?.value, wellFormed(s), JSON.stringify(s)));
  });
});

describe('the Terraform front-end reads strings as HCL does', () => {
  before(async () => {
    await ensureTerraform();
  });

  const nameOf = (literal: string) => {
    const ws = new Workspace();
    ws.setFile('/m/main.tf', `resource "octopusdeploy_user_role" "r" {\n  name = ${literal}\n}\n`);
    return ws.model('/m/main.tf')?.docs[0]?.name?.value;
  };

  it('decodes escapes in one pass: a `$` from an escape does not make `$${`', async () => {
    for (const literal of ['"$\\u0024{x}"', '"\\u0024$${x}"', '"%\\u0025{x}"', '"\\\\$${x}"', '"$$$${x}"']) {
      const [hcl] = await readStrings([literal]);
      assert.equal(nameOf(literal), hcl, literal);
    }
  });

  it('reads an escape of a character HCL refuses as U+FFFD, without failing', async () => {
    for (const literal of ['"\\UFFFFFFFF"', '"\\U00110000"', '"\\ud800"']) {
      await assert.rejects(parseHcl(`locals {\n  v = ${literal}\n}\n`), /Invalid escape sequence/);
      assert.equal(nameOf(literal), '\ufffd', literal);
    }
  });
});

describe('Terraform quick fixes write literals', () => {
  before(async () => {
    await ensureTerraform();
  });

  it('"Apply ROLE in space S" keeps a space id of `$${...}` a literal', async () => {
    const text = `resource "octopusdeploy_user_role" "ops" {
  name                      = "Ops"
  granted_space_permissions = ["ProjectView"]
}

resource "octopusdeploy_team" "admins" {
  name = "Admins"

  user_role {
    user_role_id = octopusdeploy_user_role.ops.id
    space_id     = "Spaces-1$\${var.db_password}"
  }

  user_role {
    user_role_id = octopusdeploy_user_role.ops.id
  }
}
`;
    const ws = new Workspace();
    ws.setFile('/m/main.tf', text);
    const d = ws.diagnostics('/m/main.tf').find((x) => x.code === 'space-required');
    assert.ok(d, 'space-required');
    const fix = codeFixes(ws, '/m/main.tf', d, DEFAULT_SETTINGS).find((f) => f.title.startsWith('Apply '));
    assert.ok(fix);
    assert.equal(fix.title, "Apply 'octopusdeploy_user_role.ops' in space 'Spaces-1${var.db_password}'");
    const fixed = applyEdits(text, fix.change.edits.get('/m/main.tf') ?? []);
    const parsed = await parseHcl(fixed);
    const team = (parsed.resource as Record<string, Record<string, { user_role: { space_id?: string }[] }[]>>).octopusdeploy_team.admins[0];
    assert.deepEqual(
      team.user_role.map((u) => literalOf(u.space_id)),
      ['Spaces-1${var.db_password}', 'Spaces-1${var.db_password}'],
      'both assignments name the same literal space id, neither interpolates',
    );
  });
});

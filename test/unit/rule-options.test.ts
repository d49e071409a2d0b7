import * as assert from 'node:assert/strict';
import Ajv from 'ajv';
import { applyEdits, completeConfig, configFixes, mergeSettings, normaliseEditorSettings, parseConfig, RULE_CODES, RULES } from '../../server/src/service';
import { configSchema, rulesSetting } from '../support/manifest';

describe('rule options in .octopus-roles.yaml', () => {
  it('reads a map of severity and options, in flow and block style', () => {
    for (const text of ['rules:\n  implicit-system-grant: { severity: information, builtInRoles: off }\n', 'rules:\n  implicit-system-grant:\n    builtInRoles: false\n    severity: info\n']) {
      const { settings, keys, diagnostics } = parseConfig(text);
      assert.deepEqual(diagnostics, [], text);
      assert.deepEqual(settings.rules, { 'implicit-system-grant': 'information' });
      assert.deepEqual(settings.ruleOptions, { 'implicit-system-grant': { builtInRoles: false } });
      assert.deepEqual(keys.ruleOptions, { 'implicit-system-grant': { builtInRoles: false } });
    }
    assert.deepEqual(parseConfig('rules:\n  implicit-system-grant: { builtInRoles: on }\n').settings.rules, {}, 'a map without severity keeps the default');
  });

  it('reports unknown options (with the nearest), bad values, and options of a rule that has none', () => {
    const text = 'rules:\n  implicit-system-grant: { builtinRoles: off, severity: loud }\n  unknown-role: { builtInRoles: off }\n  empty-role: { severity: hint, builtInRoles: maybe }\n';
    const { settings, diagnostics } = parseConfig(text);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end)]),
      [
        ['unknown-key', 'builtinRoles'],
        ['invalid-value', 'loud'],
        ['unknown-key', 'builtInRoles'],
        ['unknown-key', 'builtInRoles'],
      ],
    );
    assert.match(diagnostics[0].message, /in `implicit-system-grant` \(its severity and options\).*Did you mean `builtInRoles`\?/);
    assert.deepEqual(diagnostics[0].data?.candidates, ['builtInRoles']);
    assert.match(diagnostics[2].message, /`unknown-role` \(it has no options, only `severity`\)/);
    assert.deepEqual(settings.rules, { 'empty-role': 'hint' });
    assert.equal(settings.ruleOptions, undefined);
    const bad = 'rules:\n  implicit-system-grant: { builtInRoles: maybe }\n';
    assert.deepEqual(parseConfig(bad).diagnostics.map((d) => [d.code, bad.slice(d.span.start, d.span.end), /`on` or `off`/.test(d.message)]), [['invalid-value', 'maybe', true]]);
  });

  it('merges options key by key, a deeper file overriding only the options it sets', () => {
    const above = parseConfig('rules:\n  implicit-system-grant: { severity: warning, builtInRoles: off }\n').keys;
    const below = parseConfig('rules:\n  implicit-system-grant: { builtInRoles: on }\n').keys;
    const merged = mergeSettings(above, below);
    assert.deepEqual(merged.ruleOptions, { 'implicit-system-grant': { builtInRoles: true } });
    assert.deepEqual(merged.rules, { 'implicit-system-grant': 'warning' });
  });

  it('is in the configuration schema: the maps the checker accepts, and none that it reports', () => {
    const validate = new Ajv({ allErrors: true, strict: true }).addKeyword('markdownDescription').compile(configSchema());
    const rules = (r: Record<string, unknown>) => ({ rules: r });
    for (const ok of [{ 'implicit-system-grant': { severity: 'warning', builtInRoles: 'off' } }, { 'implicit-system-grant': { builtInRoles: false } }, { 'empty-role': { severity: 'hint' } }]) {
      assert.ok(validate(rules(ok)), `${JSON.stringify(ok)}: ${JSON.stringify(validate.errors)}`);
      assert.deepEqual(parseConfig(JSON.stringify(rules(ok))).diagnostics, []);
    }
    for (const bad of [{ 'implicit-system-grant': { builtinRoles: 'off' } }, { 'implicit-system-grant': { builtInRoles: 'maybe' } }, { 'empty-role': { builtInRoles: 'off' } }, { 'implicit-system-grant': { severity: 'loud' } }]) {
      assert.ok(!validate(rules(bad)), JSON.stringify(bad));
      assert.equal(parseConfig(JSON.stringify(rules(bad))).diagnostics.length, 1, JSON.stringify(bad));
    }
  });

  it("reads the same maps from the editor's octopusRoles.rules, which a configuration file overrides option by option", () => {
    const editor = normaliseEditorSettings({ rules: { 'implicit-system-grant': { severity: 'hint', builtInRoles: false }, 'empty-role': { builtInRoles: false, severity: 'off' }, 'unknown-key': 'error' } });
    assert.deepEqual(editor.rules, { 'implicit-system-grant': 'hint', 'empty-role': 'off', 'unknown-key': 'error' });
    assert.deepEqual(editor.ruleOptions, { 'implicit-system-grant': { builtInRoles: false } }, 'an option the rule does not have is dropped');
    assert.deepEqual(normaliseEditorSettings({ rules: { 'implicit-system-grant': { builtInRoles: 'off' } } }).ruleOptions, { 'implicit-system-grant': { builtInRoles: false } });
    assert.equal(normaliseEditorSettings({ rules: { 'implicit-system-grant': { builtInRoles: 'maybe' }, 'empty-role': [] } }).ruleOptions, undefined);
    const file = parseConfig('rules:\n  implicit-system-grant: { builtInRoles: on }\n').keys;
    assert.deepEqual(mergeSettings(editor, file).ruleOptions, { 'implicit-system-grant': { builtInRoles: true } });
    assert.deepEqual(mergeSettings(editor, file).rules['implicit-system-grant'], 'hint', 'the file named no severity: the editor\'s stays');
    // The package's setting schema (what VS Code validates the user's settings.json against) takes the same.
    const validate = new Ajv({ allErrors: true, strict: true }).addKeyword('markdownDescription').addKeyword('scope').compile(rulesSetting());
    assert.ok(validate({ 'implicit-system-grant': { severity: 'hint', builtInRoles: false }, 'unknown-key': 'error' }), JSON.stringify(validate.errors));
    assert.ok(!validate({ 'empty-role': { builtInRoles: false } }), 'a rule without options takes a severity only');
    assert.ok(!validate({ 'implicit-system-grant': { builtinRoles: false } }));
  });

  it('completes the keys of a rule map (severity, then its options) and the values of an option', () => {
    const at = (source: string) => {
      const text = source.replace('$0', '');
      const entries = completeConfig(text, source.indexOf('$0'), RULE_CODES.map((c) => RULES[c]));
      const take = (label: string) => applyEdits(text, [{ span: entries.find((e) => e.label === label)!.replace, newText: entries.find((e) => e.label === label)!.insertText ?? label }]);
      return { labels: entries.map((e) => e.label), take };
    };
    const block = at('rules:\n  empty-role: off\n  implicit-system-grant:\n    severity: warning\n    b$0\n');
    assert.deepEqual(block.labels, ['builtInRoles']);
    assert.equal(block.take('builtInRoles'), 'rules:\n  empty-role: off\n  implicit-system-grant:\n    severity: warning\n    builtInRoles: \n');
    assert.deepEqual(at('rules:\n  implicit-system-grant:\n    $0\n').labels, ['severity', 'builtInRoles']);
    assert.deepEqual(at('rules:\n  implicit-system-grant: { severity: info, $0 }\n').labels, ['builtInRoles']);
    assert.deepEqual(at('rules:\n  implicit-system-grant: { builtInRoles: o$0 }\n').labels, ['on', 'off']);
    assert.deepEqual(at('rules:\n  implicit-system-grant:\n    builtInRoles: $0\n').labels, ['on', 'off']);
    assert.deepEqual(at('rules:\n  implicit-system-grant:\n    severity: $0\n').labels, ['error', 'warning', 'information', 'hint', 'off']);
    assert.deepEqual(at('rules:\n  empty-role:\n    $0\n').labels, ['severity'], 'a rule without options takes its severity only');
    assert.ok(at('rules:\n  empty-role: off\n  $0\n').labels.includes('implicit-system-grant'), 'codes at the codes\' indent, as before');
  });

  it("fixes an option's bad value with on or off, and a bad severity in the map with a severity", () => {
    for (const text of ['rules:\n  implicit-system-grant: { builtInRoles: maybe, severity: loud }\n', 'rules:\n  implicit-system-grant:\n    builtInRoles: maybe\n    severity: loud\n']) {
      const titles = parseConfig(text).diagnostics.map((d) => configFixes(text, { code: d.code, span: d.span }).map((f) => f.title));
      assert.deepEqual(titles[0], ["Set 'builtInRoles' to 'on'", "Set 'builtInRoles' to 'off'"], text);
      assert.equal(titles[1][0], "Set the severity to 'error'", text);
    }
  });
});

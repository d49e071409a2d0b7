import * as assert from 'node:assert/strict';
import { applyEdits, completeConfig, configFixes, parseConfig, RULE_CODES, RULES } from '../../server/src/service';

const RULE_LIST = RULE_CODES.map((c) => RULES[c]);

/** Completion at `$0`; returns the labels and a function applying one of them. */
function at(source: string) {
  const offset = source.indexOf('$0');
  const text = source.replace('$0', '');
  const entries = completeConfig(text, offset, RULE_LIST);
  return {
    labels: entries.map((e) => e.label),
    take: (label: string) => {
      const e = entries.find((x) => x.label === label);
      assert.ok(e, `no ${label}`);
      return applyEdits(text, [{ span: e.replace, newText: e.insertText ?? e.label }]);
    },
  };
}

describe('.octopus-roles.yaml completion and fixes', () => {
  it('completes the keys not yet written, at the top level', () => {
    const c = at('rules:\n  empty-role: off\nma$0\n');
    assert.deepEqual(c.labels, ['maxFileSize', 'exclude', 'root']);
    assert.equal(c.take('maxFileSize'), 'rules:\n  empty-role: off\nmaxFileSize:\n');
  });

  it('completes rule codes under rules:, leaving out those already set, with their default severity', () => {
    const c = at('rules:\n  empty-role: off\n  impl$0\nmaxFileSize: 2MB\n');
    assert.ok(c.labels.includes('implicit-system-grant'));
    assert.ok(!c.labels.includes('empty-role'));
    assert.equal(c.labels.length, RULE_CODES.length - 1);
    assert.equal(c.take('implicit-system-grant'), 'rules:\n  empty-role: off\n  implicit-system-grant: \nmaxFileSize: 2MB\n');
    const entry = completeConfig('rules:\n  $0'.replace('$0', ''), 'rules:\n  '.length, RULE_LIST).find((e) => e.label === 'empty-role');
    assert.equal(entry?.detail, 'default: warning');
  });

  it('completes severities after a code, marking the default', () => {
    const text = 'rules:\n  # quiet\n  empty-role: wa\n';
    const entries = completeConfig(text, text.indexOf('wa') + 2, RULE_LIST);
    assert.deepEqual(entries.map((e) => e.label), ['error', 'warning', 'information', 'hint', 'off']);
    assert.equal(entries.find((e) => e.detail === 'the default')?.label, 'warning');
    assert.equal(applyEdits(text, [{ span: entries[4].replace, newText: 'off' }]), 'rules:\n  # quiet\n  empty-role: off\n');
  });

  it('offers nothing in comments, under exclude, or in the value of maxFileSize', () => {
    assert.deepEqual(at('# ru$0\n').labels, []);
    assert.deepEqual(at('exclude:\n  - gen$0\n').labels, []);
    assert.deepEqual(at('maxFileSize: 2$0\n').labels, []);
  });

  it('fixes a misspelt rule code or key, and a severity that is not one', () => {
    const text = 'rules:\n  implicit-sytem-grant: off\n  empty-role: loud\nmaxFileSise: 1MB\n';
    const { diagnostics } = parseConfig(text);
    const fixed = (code: string, n = 0) => {
      const d = diagnostics.filter((x) => x.code === code)[n];
      const fixes = configFixes(text, { code: d.code, span: d.span, candidates: d.data?.candidates });
      return fixes.map((f) => ({ title: f.title, after: applyEdits(text, f.edits) }));
    };
    const code = fixed('unknown-key', 0);
    assert.equal(code[0].title, "Change to 'implicit-system-grant'");
    assert.equal(code[0].after, text.replace('sytem', 'system'));
    assert.equal(fixed('unknown-key', 1)[0].after, text.replace('maxFileSise', 'maxFileSize'));
    const severity = fixed('invalid-value');
    assert.equal(severity.length, 5);
    assert.equal(severity[1].after, text.replace('loud', 'warning'));
    // The fixed text reads without findings.
    assert.deepEqual(parseConfig(code[0].after.replace('maxFileSise', 'maxFileSize').replace('loud', 'hint')).diagnostics, []);
  });
});

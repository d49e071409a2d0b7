import * as assert from 'node:assert/strict';
import { parseConfig, parseSeverity, parseSize, DEFAULT_MAX_FILE_SIZE } from '../../server/src/service';

describe('.octopus-roles.yaml', () => {
  it('reads rule severities and the size limit', () => {
    const { settings, diagnostics } = parseConfig('rules:\n  unknown-key: error\n  implicit-system-grant: off\n  empty-role: info\nmaxFileSize: 512KB\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(settings, { rules: { 'unknown-key': 'error', 'implicit-system-grant': 'off', 'empty-role': 'information' }, maxFileSize: 512 * 1024 });
  });

  it('reports unknown codes, bad severities and bad sizes, and keeps the defaults for them', () => {
    const text = 'rules:\n  unknown-rol: off\n  empty-role: loud\nmaxFileSize: huge\nextra: 1\n';
    const { settings, diagnostics } = parseConfig(text);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, text.slice(d.span.start, d.span.end)]),
      [
        ['unknown-key', 'unknown-rol'],
        ['invalid-value', 'loud'],
        ['invalid-value', 'huge'],
        ['unknown-key', 'extra'],
      ],
    );
    assert.match(diagnostics[0].message, /Did you mean `unknown-role`/);
    assert.deepEqual(settings, { rules: {}, maxFileSize: DEFAULT_MAX_FILE_SIZE });
  });

  it('survives a configuration that is not a mapping or not YAML', () => {
    assert.deepEqual(parseConfig('- a\n- b\n').diagnostics.map((d) => d.code), ['invalid-value']);
    assert.ok(parseConfig('rules: [\n').diagnostics.some((d) => d.code === 'yaml-syntax'));
    assert.deepEqual(parseConfig('').diagnostics, []);
  });

  it('parses sizes and severities leniently', () => {
    assert.equal(parseSize('2MB'), 2 * 1024 * 1024);
    assert.equal(parseSize('1.5 kb'), 1536);
    assert.equal(parseSize(4096), 4096);
    assert.equal(parseSize('-1'), undefined);
    assert.equal(parseSize(0), undefined);
    assert.equal(parseSeverity('WARN'), 'warning');
    assert.equal(parseSeverity(false), 'off');
    assert.equal(parseSeverity('loud'), undefined);
  });
});

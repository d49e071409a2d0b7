import * as assert from 'node:assert/strict';
import { compileGlob, MAX_GLOB_LENGTH, normaliseEditorSettings, parseConfig, parseSeverity, parseSize, DEFAULT_MAX_FILE_SIZE } from '../../server/src/service';

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

describe('.octopus-roles.yaml: the keys that are set, and exclude globs', () => {
  it('returns only the keys a file sets, so a commented-out key does not count', () => {
    assert.deepEqual(parseConfig('# maxFileSize: 4KB\nrules:\n  empty-role: off\n').keys, { rules: { 'empty-role': 'off' } });
    assert.deepEqual(parseConfig('exclude: generated/**\n').keys, { exclude: ['generated/**'] });
    assert.deepEqual(parseConfig('exclude:\n  - a/**\n  - "*.tmp.role.yaml"\n').keys, { exclude: ['a/**', '*.tmp.role.yaml'] });
    assert.deepEqual(parseConfig('exclude:\n').keys, { exclude: [] }, 'an empty exclude sets "nothing excluded"');
  });

  it('reports bad exclude entries and globs too long to match quickly', () => {
    const text = `exclude:\n  - 3\n  - {a: b}\n  - "${'a'.repeat(MAX_GLOB_LENGTH + 1)}"\n  - ok/**\n`;
    const { keys, diagnostics } = parseConfig(text);
    assert.deepEqual(diagnostics.map((d) => d.code), ['invalid-value', 'invalid-value', 'invalid-value']);
    assert.deepEqual(keys.exclude, ['ok/**']);
    assert.deepEqual(normaliseEditorSettings({ exclude: ['x'.repeat(MAX_GLOB_LENGTH + 1), 'y/**'] }).exclude, ['y/**']);
  });

  it('matches globs as .gitignore does, braces nested or not closed', () => {
    assert.ok(compileGlob('generated/**').test('generated/a/b.role.yaml'));
    assert.ok(!compileGlob('roles/*.role.yaml').test('roles/sub/x.role.yaml'));
    assert.ok(compileGlob('{roles/{x,y},teams}/*.yaml').test('roles/y/z.yaml'));
    assert.ok(!compileGlob('{roles/{x,y},teams}/*.yaml').test('roles/z/z.yaml'));
    assert.ok(compileGlob('{a,{b}').test('{a,b'), 'an unclosed brace is a character, and so is the comma outside braces');
    assert.ok(compileGlob('a,b').test('a,b') && !compileGlob('a,b').test('a'));
    assert.ok(compileGlob('x{,y}z').test('xz') && compileGlob('x{,y}z').test('xyz'));
    assert.ok(compileGlob('odd}{.yaml').test('odd}{.yaml'));
  });

  it('matches hostile globs in linear time and bounded depth', () => {
    const started = performance.now();
    // 34 unclosed braces: each retried as a literal after parsing the rest took exponential time.
    assert.equal(compileGlob('{a,'.repeat(34) + 'b').test('{a,'.repeat(34) + 'b'), true);
    assert.equal(compileGlob('{a,'.repeat(34) + 'b').test('a'.repeat(200)), false);
    // 20,000 nested braces overflowed the stack; a glob that long is refused (it matches nothing)...
    assert.equal(compileGlob('{'.repeat(20000) + 'a' + '}'.repeat(20000)).test('a'), false);
    // ...and nesting up to the length limit is fine, without recursion.
    const deep = '{'.repeat(400) + 'a' + '}'.repeat(400);
    assert.equal(compileGlob(deep).test('a'), true);
    assert.equal(compileGlob('*a'.repeat(12) + '*c').test('a'.repeat(60) + '.role.yaml'), false);
    assert.ok(performance.now() - started < 2000, `${Math.round(performance.now() - started)} ms`);
  });
});

/**
 * What the extension contributes for editors beyond its own language server: the JSON Schemas for Red Hat's
 * YAML extension (`yamlValidation`, and the configuration file's schema), the walkthrough, the commands,
 * and no static `.tf` formatter default (the client sets it only when HashiCorp's extension is there).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { USAGE } from '../../server/src/cli/args';
import { starterConfig } from '../../server/src/cli/init';
import { configSchema, uncommented } from '../support/manifest';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** A glob of `fileMatch` (`*` for any characters, as Red Hat's YAML extension reads it) as a test of a file name. */
const matches = (glob: string, name: string) => new RegExp(`^${glob.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(name);

/** The packaged files: `files` of package.json, its globs as npm and vsce read them at the top of a folder. */
const packaged = (file: string) => (pkg.files as string[]).some((f) => matches(f, file) && f.split('/').length === file.split('/').length);

describe('what the extension contributes for other YAML tools and editors', () => {
  it('gives Red Hat\'s YAML extension a schema for each kind of file and for the configuration file, shipped in the package', () => {
    const entries = pkg.contributes.yamlValidation as { fileMatch: string | string[]; url: string }[];
    const languagePatterns = (pkg.contributes.languages as { id: string; filenamePatterns: string[] }[]).find((l) => l.id === 'octopus-roles')!.filenamePatterns;
    const covered = (name: string) => entries.filter((e) => [e.fileMatch].flat().some((g) => matches(g, name)));
    for (const pattern of languagePatterns) {
      const name = pattern.replace('*', 'finance');
      const kind = /\.(role|team|space|policy)\./.exec(name)![1];
      assert.deepEqual(covered(name).map((e) => e.url), [`./schemas/${kind}.json`], name);
    }
    assert.deepEqual(covered('.octopus-roles.yaml').map((e) => e.url), ['./schemas/config.json']);
    for (const e of entries) {
      assert.ok(existsSync(path.join(ROOT, e.url)), e.url);
      assert.ok(packaged(e.url.replace('./', '')), `${e.url} is not in package.json's files`);
    }
  });

  describe('the configuration file\'s schema (schemas/config.json)', () => {
    // markdownDescription: the annotation VS Code's and Red Hat's schema readers show in hovers.
    const validate = new Ajv({ allErrors: true, strict: true }).addKeyword('markdownDescription').compile(configSchema());

    it('is generated from the rule registry and the settings (run scripts/gen-manifest.mjs after a change)', () => {
      assert.deepEqual(JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'config.json'), 'utf8')), configSchema());
    });

    it('accepts init\'s starter configuration, commented or not, and the README\'s examples', () => {
      assert.ok(validate(parse(starterConfig()) ?? {}), JSON.stringify(validate.errors));
      assert.ok(validate(parse(uncommented(starterConfig()))), JSON.stringify(validate.errors));
      const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
      const examples = [...readme.matchAll(/```yaml\n# (?:[\w/]+\/)?\.octopus-roles\.yaml[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]);
      assert.ok(examples.length >= 3, `${examples.length} examples`);
      for (const text of examples) assert.ok(validate(parse(text)), `${text}: ${JSON.stringify(validate.errors)}`);
    });

    it('accepts what the checker accepts and refuses what it reports', () => {
      for (const ok of [{ rules: { 'empty-role': 'warn', 'unknown-key': 'Error', 'implicit-system-grant': false } }, { maxFileSize: '512 KB' }, { maxFileSize: 4096 }, { exclude: 'generated/**' }, { exclude: null }, { terraform: false }]) {
        assert.ok(validate(ok), `${JSON.stringify(ok)}: ${JSON.stringify(validate.errors)}`);
      }
      for (const bad of [{ rule: {} }, { rules: { 'no-such-rule': 'off' } }, { rules: { 'empty-role': 'loud' } }, { maxFileSize: 'huge' }, { maxFileSize: 0 }, { exclude: 3 }, { exclude: [''] }, { terraform: 'yes' }]) {
        assert.ok(!validate(bad), JSON.stringify(bad));
      }
    });
  });

  it('documents a modeline whose schema accepts the example it heads', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const m = /```yaml\n# yaml-language-server: \$schema=(\S+)\n([\s\S]*?)```/.exec(readme);
    assert.ok(m, 'the README shows the modeline');
    const schema = path.basename(m[1]);
    assert.ok(['role.json', 'team.json', 'space.json', 'config.json'].includes(schema), schema);
    const validate = new Ajv({ allErrors: true, strict: true }).addKeyword('markdownDescription').compile(JSON.parse(readFileSync(path.join(ROOT, 'schemas', schema), 'utf8')));
    assert.ok(validate(parse(m[2])), JSON.stringify(validate.errors));
  });

  describe('the walkthrough', () => {
    const [walkthrough] = pkg.contributes.walkthroughs as { steps: { id: string; description: string; media: { markdown: string }; completionEvents: string[] }[] }[];
    const declared = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
    // Commands of VS Code itself, which the steps may link to.
    const builtIn = (command: string) => /^(workbench|editor)\./.test(command);

    it('takes a new user through YAML, Terraform, the command line and CI', () => {
      assert.deepEqual(walkthrough.steps.map((s) => s.id), ['open', 'fix', 'access', 'terraform', 'cli', 'ci']);
      for (const step of walkthrough.steps) {
        assert.ok(existsSync(path.join(ROOT, step.media.markdown)), step.media.markdown);
        assert.ok(packaged(step.media.markdown), `${step.media.markdown} is not packaged`);
      }
    });

    it('links only to commands that exist, and completes on them', () => {
      for (const step of walkthrough.steps) {
        for (const [, command] of step.description.matchAll(/\(command:([\w.]+)/g)) assert.ok(declared.has(command) || builtIn(command), `${step.id}: ${command}`);
        for (const event of step.completionEvents) {
          const command = /^onCommand:(.+)$/.exec(event)?.[1];
          if (command) assert.ok(declared.has(command) || builtIn(command), `${step.id}: ${event}`);
          else assert.match(event, /^(onContext|onLanguage):/);
        }
      }
    });

    it('names only commands the command line has', () => {
      const text = ['cli', 'ci'].map((id) => readFileSync(path.join(ROOT, 'walkthrough', `${id}.md`), 'utf8')).join('\n');
      const used = new Set([...text.matchAll(/`octopus-roles ([a-z-]+)/g)].map((m) => m[1]));
      assert.deepEqual([...used].sort(), ['check', 'diff', 'explain', 'init', 'who-can']);
      for (const command of used) assert.match(USAGE, new RegExp(`octopus-roles ${command}\\b`), command);
    });
  });
});

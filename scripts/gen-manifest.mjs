// Writes what the package declares from what the service knows (after `npm run build`): the
// `octopusRoles.rules` setting in package.json (every rule code and its severities) and the JSON Schemas
// schemas/{role,team,space}.json (permission names from the catalog) and schemas/config.json (the
// configuration file, its rules as the setting declares them). test/unit/manifest.test.ts fails
// when they are out of step.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { rulesSetting, schemaOf, configSchema } = createRequire(import.meta.url)(join(root, 'out/test/support/manifest.js'));

const pkgPath = join(root, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
pkg.contributes.configuration.properties['octopusRoles.rules'] = rulesSetting();
writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');

mkdirSync(join(root, 'schemas'), { recursive: true });
for (const kind of ['role', 'team', 'space']) writeFileSync(join(root, 'schemas', `${kind}.json`), JSON.stringify(schemaOf(kind), null, 2) + '\n');
writeFileSync(join(root, 'schemas', 'config.json'), JSON.stringify(configSchema(), null, 2) + '\n');
console.log('wrote octopusRoles.rules and schemas/{role,team,space,config}.json');

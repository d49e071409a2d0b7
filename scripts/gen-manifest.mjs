// Writes the JSON Schemas schemas/{role,team,space}.json from what the service knows (after `npm run
// build`): permission names from the catalog, the fields of each kind, and schemas/config.json (the
// configuration file, its rules as the setting declares them). test/unit/manifest.test.ts fails when they
// are out of step. (The `octopusRoles.rules` setting in package.json is written with the other generated
// parts by `npm run gen:docs`.)
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { schemaOf, configSchema } = createRequire(import.meta.url)(join(root, 'out/test/support/manifest.js'));

mkdirSync(join(root, 'schemas'), { recursive: true });
for (const kind of ['role', 'team', 'space', 'policy']) writeFileSync(join(root, 'schemas', `${kind}.json`), JSON.stringify(schemaOf(kind), null, 2) + '\n');
writeFileSync(join(root, 'schemas', 'config.json'), JSON.stringify(configSchema(), null, 2) + '\n');
console.log('wrote schemas/{role,team,space,policy,config}.json');

/** The built-in roles' names and ids, read from the facts file (facts/octopus/builtin-roles.json). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const facts = JSON.parse(readFileSync(path.resolve(__dirname, '../../../facts/octopus/builtin-roles.json'), 'utf8')) as { name: string; id: string }[];
export const BUILTIN_ROLES_FACTS_IDS: readonly [string, string | null][] = facts.map((f) => [f.name, f.id]);

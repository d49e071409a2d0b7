/**
 * Writes the policy benchmark's workspace (bench/policies.ts: the generated workspace of seed 27) and its
 * policy file into a folder, for timing `octopus-roles check` itself and comparing its output between
 * builds.
 *
 *   node out/bench/policy-workspace.js DIR [FILES] [POLICIES]        (default: 10000 200)
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Workspace } from '../server/src/service';
import { generateWorkspace, writeWorkspace } from '../test/support/generate';
import { policies } from './policies';

function main(): void {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: policy-workspace DIR [FILES] [POLICIES]');
  const size = Number(process.argv[3] ?? 10000);
  const count = Number(process.argv[4] ?? 200);
  const files = generateWorkspace({ files: size, seed: 27 });
  const ws = new Workspace();
  for (const [p, text] of files) ws.setFile(`file:///bench/${p}`, text);
  writeWorkspace(dir, files);
  writeFileSync(path.join(dir, 'access.policy.yaml'), policies(ws, count));
  process.stdout.write(`wrote ${files.size} files and access.policy.yaml (${count} policies) to ${dir}\n`);
}

main();

/**
 * The workspace of the server benchmarks (bench/server.ts, bench/heap.ts): the generated workspace plus
 * one role that 1,000 space teams assign and one role no team uses, written once under bench/.work.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateWorkspace, writeWorkspace } from '../test/support/generate';

const ROOT = path.resolve(__dirname, '..', '..');
/** Teams that assign the one role all keystrokes go to: 1,000, or a quarter of a smaller workspace. */
export const hotTeams = (size: number) => Math.min(1000, Math.floor(size / 4));
/** The role the completion, hover and 10,000-edit measurements work in (no team uses it). */
export const EDITED_ROLE = 'name: Edited Role\nspacePermissions:\n  - ProjectView\n  - ReleaseView\nsystemPermissions: [TeamView]\n';
export const HOT_SPACE_ROLE = 'name: Hot Role\nspacePermissions: [DeploymentCreate, ProjectView]\n';
export const HOT_SYSTEM_ROLE = 'name: Hot Role\nspacePermissions: []\nsystemPermissions: [UserView, ProjectVeiw]\n';

/** The generated workspace, plus one role that 1,000 space teams assign; `size` files in all. */
export function prepare(size: number): string {
  const dir = path.join(ROOT, 'bench', '.work', `server-${size}`);
  if (existsSync(path.join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = generateWorkspace({ files: size - hotTeams(size) - 2, seed: 42 });
  files.set('roles/hot.role.yaml', HOT_SPACE_ROLE);
  files.set('roles/edited.role.yaml', EDITED_ROLE);
  const space = /name: (.+)/.exec([...files].find(([p]) => p.endsWith('.space.yaml'))![1])![1].trim();
  for (let i = 0; i < hotTeams(size); i++) files.set(`teams/hot/hot-${i}.team.yaml`, `name: Hot team ${i}\nspace: ${space}\nroles:\n  - Hot Role\n`);
  writeWorkspace(dir, files);
  writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}


/** Helpers for the import, pull, export and drift tests: a folder of role/team/space files as a workspace. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Workspace } from '../../server/src/service';

/** Every role, team and space file below `dir`, loaded into a fresh workspace. */
export function workspaceOf(dir: string): Workspace {
  const ws = new Workspace();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (name.startsWith('.')) continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(role|team|space)\.ya?ml$/.test(name)) ws.setFile(pathToFileURL(full).href, readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return ws;
}

/** A workspace of in-memory files by relative path, under a made-up root. */
export function workspaceFromFiles(files: ReadonlyMap<string, string>, root = '/virtual'): Workspace {
  const ws = new Workspace();
  for (const [rel, text] of files) if (/\.(role|team|space)\.ya?ml$/.test(rel)) ws.setFile(pathToFileURL(path.posix.join(root, rel)).href, text);
  return ws;
}

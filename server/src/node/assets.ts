/**
 * Loads what a front-end needs before it reads some files (`FrontEnd.loading`: the Terraform grammar's
 * WebAssembly), once, and only when a file that needs it is about to be read: a workspace without such
 * files never pays for it. The files sit beside the bundle in `dist/` (scripts/bundle.mjs copies them
 * there, so the extension and the npm package work offline), or in node_modules when running from the
 * compiled sources (tests). The service reads no files: it gets the bytes.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FRONT_ENDS, type FrontEnd, type FrontEndLoading } from '../service';

async function readAsset(asset: FrontEndLoading['assets'][number]): Promise<Uint8Array> {
  const found = await fs.readFile(path.join(__dirname, asset.file)).catch(() => undefined);
  if (found) return found;
  return fs.readFile(require.resolve(asset.package));
}

/** Makes `frontEnd` ready to read every file; resolves at once when it is. Rejects when its assets cannot be loaded. */
export async function loadFrontEnd(frontEnd: FrontEnd): Promise<void> {
  const loading = frontEnd.loading;
  if (!loading || loading.ready()) return;
  await loading.load((file) => {
    const asset = loading.assets.find((a) => a.file === file);
    return asset ? readAsset(asset) : Promise.reject(new Error(`${file} is not an asset of the ${frontEnd.syntax} front-end`));
  });
}

/** Makes every front-end ready (tests and benchmarks that parse `.tf` text directly call it first). */
export async function ensureFrontEnds(): Promise<void> {
  for (const f of FRONT_ENDS) await loadFrontEnd(f);
}

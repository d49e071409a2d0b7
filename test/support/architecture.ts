/**
 * The layers of the server's sources, bottom first, and the real import graph they are checked against.
 * test/unit/boundary.test.ts fails on an import that points up (or sideways between two parts of one
 * floor that must stay independent); docs/architecture.md's table of layers is generated from `LAYERS`
 * by `npm run gen:docs` (test/support/generated.ts), so the document and the test cannot disagree.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** The repository root, from out/test/support or test/support alike. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Where the layered sources are. */
export const SOURCES = path.join(ROOT, 'server', 'src');

/** One floor of the architecture. */
export interface Layer {
  /**
   * Its parts, as paths under server/src: a folder (`service/model`) or a module (`service/config.ts`).
   * A part may import its own part and every floor below; parts of one floor never import each other.
   */
  readonly parts: readonly string[];
  /** What the floor holds, for the table in docs/architecture.md (markdown, one line). */
  readonly holds: string;
}

/** The floors, bottom first. A file belongs to the part that names it most precisely. */
export const LAYERS: readonly Layer[] = [
  {
    parts: ['service/util'],
    holds: 'text primitives: offsets and spans, line maps, text edits and line helpers (`edit.ts`), did-you-mean, cancellation',
  },
  {
    parts: ['service/catalog'],
    holds: "Octopus's facts: permissions, built-in roles and teams, retired names (generated from facts/octopus)",
  },
  {
    parts: ['service/model'],
    holds:
      'the access model: `types.ts` (roles, teams, assignments, spaces with spans), `frontend.ts` (what a syntax provides: `FrontEnd`, `SyntaxEdits`, the `SyntaxReporter` it reports through), `workspace.ts` (the `ModelIndex`), `compact.ts`, `scope.ts`, `roles.ts`, `fields.ts`, and effective access (`grants.ts`, `teams.ts`, `modules.ts`, `access.ts`; `access-scope.ts`: the model a file belongs to, whichever syntax)',
  },
  {
    parts: ['service/syntax/shared'],
    holds: 'what every front-end shares: suppression comments (`suppress.ts`)',
  },
  {
    parts: ['service/syntax/yaml', 'service/syntax/terraform'],
    holds: 'the front-ends, one folder per syntax: text to model, completion context, formatting-keeping edits; independent of each other',
  },
  {
    parts: ['service/syntax/index.ts'],
    holds: 'the list of front-ends (`FRONT_ENDS`): the one registration of a syntax',
  },
  {
    parts: ['service/rules', 'service/features'],
    holds:
      'rules: one module per family, each rule one entry with its fixes (`rule.ts` says what a rule is, `fix.ts` what a fix builder gets), `registry.ts` (the families in order, the analyser, the syntax reporter); features: completion, hover, navigation, symbols, highlights, formatting, access lenses. Neither imports the other',
  },
  {
    parts: ['service/config.ts'],
    holds: '`.octopus-roles.yaml` and the settings every entry point normalises (rule codes are checked against the registry)',
  },
  {
    parts: ['service/final.ts'],
    holds: 'the diagnostics a user sees: settings and suppression comments applied',
  },
  {
    parts: ['service/edits'],
    holds: 'whole fixes: the fix engine (offer, verify, fix-all) and what a fix does to access',
  },
  {
    parts: ['service/workspace.ts'],
    holds: 'the composition root: `Workspace` = `ModelIndex` + the front-ends + the rules',
  },
  {
    parts: ['service/index.ts'],
    holds: "the service's public surface: what the loader, the server, the command line and the tests import",
  },
  {
    parts: ['version.ts', 'bridge', 'node'],
    holds: 'the version; the bridge to Octopus\'s API and Terraform (no file system, no network); the one loader (folders, git revisions, configuration files, sizes)',
  },
  {
    parts: ['lsp', 'cli'],
    holds: 'the language server; the command line',
  },
  {
    parts: ['server.ts'],
    holds: "the language server's entry point",
  },
];

/** What VS Code's client may import from the server: the protocol's names and the README reader. */
export const CLIENT_MAY_IMPORT = ['server/src/lsp/protocol.ts', 'server/src/lsp/readme.ts'];

/** Every `.ts` file under `dir`, as absolute paths. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * The module specifiers a file imports, as TypeScript's scanner finds them: imports and re-exports (types
 * included), `import('…')` (types written inline too) and `require('…')`; nothing in comments or strings.
 */
export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** A file's path under server/src, with `/` separators. */
const rel = (file: string): string => path.relative(SOURCES, file).split(path.sep).join('/');

/** The floor and the part of a path under server/src: the part that names it most precisely. */
export function placeOf(file: string): { floor: number; part: string } | undefined {
  let best: { floor: number; part: string } | undefined;
  LAYERS.forEach((layer, floor) => {
    for (const part of layer.parts) {
      const within = file === part || file.startsWith(part + '/') || (part.endsWith('/shared') && isSharedFile(file, part));
      if (within && (!best || part.length > best.part.length)) best = { floor, part };
    }
  });
  return best;
}

/** `service/syntax/shared` stands for the files directly in service/syntax other than its index. */
function isSharedFile(file: string, part: string): boolean {
  const folder = part.slice(0, -'/shared'.length);
  return path.posix.dirname(file) === folder && file !== `${folder}/index.ts`;
}

/** One import that breaks the layering. */
export interface Violation {
  readonly from: string;
  readonly to: string;
  readonly why: 'upward' | 'sideways' | 'unplaced';
}

/** Every relative import under server/src that points to a higher floor or to another part of its own. */
export function layerViolations(): Violation[] {
  const out: Violation[] = [];
  for (const file of sourceFiles(SOURCES)) {
    const from = rel(file);
    const here = placeOf(from);
    if (!here) {
      out.push({ from, to: from, why: 'unplaced' });
      continue;
    }
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const resolved = path.resolve(path.dirname(file), spec);
      const target = resolved.startsWith(SOURCES) ? rel(withExtension(resolved)) : undefined;
      const there = target === undefined ? undefined : placeOf(target);
      if (!target || !there) continue;
      const why = there.floor > here.floor ? 'upward' : there.floor === here.floor && there.part !== here.part ? 'sideways' : undefined;
      if (why && !out.some((v) => v.from === from && v.to === target)) out.push({ from, to: target, why });
    }
  }
  return out;
}

/** `./x` names `x.ts` or `x/index.ts`. */
function withExtension(p: string): string {
  if (p.endsWith('.ts')) return p;
  try {
    if (statSync(p).isDirectory()) return path.join(p, 'index.ts');
  } catch {
    // not a folder
  }
  return p + '.ts';
}

/** The client's imports of the server that `CLIENT_MAY_IMPORT` does not allow. */
export function clientViolations(): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(path.join(ROOT, 'client', 'src'))) {
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = path.relative(ROOT, withExtension(path.resolve(path.dirname(file), spec))).split(path.sep).join('/');
      if (target.startsWith('server/') && !CLIENT_MAY_IMPORT.includes(target)) out.push(`${path.relative(ROOT, file)} imports ${target}`);
    }
  }
  return out;
}

/** The table of docs/architecture.md, between its `layers` markers, made from `LAYERS` (top floor first). */
export function layersTable(): string {
  const rows = [...LAYERS].reverse().map((layer) => {
    const floor = LAYERS.indexOf(layer) + 1;
    return `| ${floor} | ${layer.parts.map((p) => `\`${p}\``).join(', ')} | ${layer.holds} |`;
  });
  return [
    'Each floor may import the floors below it and nothing above; the parts of one floor do not import each other.',
    '',
    '| floor | parts (under `server/src/`) | holds |',
    '| ---: | --- | --- |',
    ...rows,
  ].join('\n');
}

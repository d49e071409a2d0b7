/**
 * A git revision as a loader source (`source.ts`): the files of a commit, read with git itself, nothing
 * checked out. Every git command goes through `runGit`, which reads and never fetches, and runs nothing
 * that a repository's own configuration names (docs/security.md, "Reading git revisions").
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileTooLarge, unreadableFile } from '../service';
import type { BytesOutcome } from './files';
import { SourceError, type EntryKind, type ReadRequest, type Source, type SourceEntry } from './source';

/**
 * The transports a fetch could use, each refused on the command line: a repository's own
 * `protocol.<name>.allow` beats a command-line `protocol.allow`, but not a command-line setting of the
 * same key. `GIT_ALLOW_PROTOCOL` below refuses every other name (remote helpers) too.
 */
const TRANSPORTS = ['ext', 'fd', 'file', 'git', 'http', 'https', 'ssh', 'ftp', 'ftps', 'rsync', 'testgit'];

/**
 * Options for every git command: no transport of any kind (so a lazy fetch of a partial clone's missing
 * object, and the `ext::` command or `uploadpack` program a promisor remote names, can never run), no
 * fsmonitor hook, no hooks, no automatic maintenance, no pager. Command-line settings beat the
 * repository's.
 */
const SAFE_CONFIG = [
  '--no-pager',
  ...['protocol.allow=never', ...TRANSPORTS.map((t) => `protocol.${t}.allow=never`), 'core.fsmonitor=false', 'core.hooksPath=/dev/null', 'gc.auto=0', 'maintenance.auto=false'].flatMap((c) => ['-c', c]),
];

/**
 * The environment for every git command, on top of the caller's. `GIT_ALLOW_PROTOCOL` set to an empty list
 * refuses every transport whatever any configuration says (git reads it before `protocol.*.allow`);
 * `GIT_NO_LAZY_FETCH` stops a partial clone from fetching a missing object at all (git 2.44 and later; it
 * is what `git --no-lazy-fetch` sets, and older gits ignore it, so the transports above still hold there);
 * no prompt can wait for a terminal.
 */
const SAFE_ENV: Readonly<Record<string, string>> = {
  GIT_ALLOW_PROTOCOL: '',
  GIT_NO_LAZY_FETCH: '1',
  GIT_TERMINAL_PROMPT: '0',
  GIT_OPTIONAL_LOCKS: '0',
  GIT_PAGER: 'cat',
};

/** Output up to this size is accepted from one git command (a tree listing of a very large repository). */
const MAX_OUTPUT = 1024 * 1024 * 1024;

/** Runs a read-only git command in `cwd` with the safe options and environment; throws `SourceError` with git's message. */
export function runGit(cwd: string, args: readonly string[], input?: string): Buffer {
  try {
    return execFileSync('git', [...SAFE_CONFIG, ...args], { cwd, input, env: { ...process.env, ...SAFE_ENV }, maxBuffer: MAX_OUTPUT, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString('utf8') ?? '';
    const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('warning:'));
    throw new SourceError(`git ${args[0]}: ${lines[0] ?? (err instanceof Error ? err.message : String(err))}`);
  }
}

/** True when `rev` names a commit of the repository at `cwd`. */
export function isRevision(cwd: string, rev: string): boolean {
  if (rev.startsWith('-')) return false;
  const r = spawnSync('git', [...SAFE_CONFIG, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd, env: { ...process.env, ...SAFE_ENV }, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0;
}

/** One entry of a revision's tree. */
interface TreeNode {
  readonly kind: EntryKind;
  readonly oid: string;
}

const KIND_OF_MODE: Readonly<Record<string, EntryKind>> = { '040000': 'folder', '100644': 'file', '100755': 'file', '120000': 'link', '160000': 'submodule' };

/** Symbolic links followed in one path before it counts as a loop (Linux's limit). */
const MAX_LINKS = 40;

/** Blobs read by one `git cat-file --batch` at most, in bytes, so that memory stays bounded. */
const BATCH_BYTES = 64 * 1024 * 1024;

/**
 * The files of one commit, at the paths they would have in the working tree of the repository that
 * `cwd` is in. Symbolic links are resolved inside the tree, as the disk would resolve them in a checkout;
 * a submodule is an entry of kind `submodule`. An object missing from the repository (a partial clone's
 * blob) is never fetched: reading it throws `SourceError` naming the path and the object.
 */
export class GitRevision implements Source {
  /** The repository's root, in the form of `cwd` (no link resolved). */
  readonly top: string;
  private readonly commit: string;
  private readonly nodes = new Map<string, TreeNode>();
  private readonly children = new Map<string, SourceEntry[]>([['', []]]);
  private links: Map<string, string> | undefined;
  private missing: Set<string> | undefined;

  /** Lists the tree of `label` (a revision) of the repository at `cwd`; throws `SourceError` when git cannot. */
  constructor(
    private readonly cwd: string,
    readonly label: string,
  ) {
    if (label.startsWith('-')) throw new SourceError(`${label}: not a revision`);
    this.commit = runGit(cwd, ['rev-parse', '--verify', `${label}^{commit}`]).toString('utf8').trim();
    const prefix = runGit(cwd, ['rev-parse', '--show-prefix']).toString('utf8').trim();
    this.top = path.resolve(cwd, ...prefix.split('/').filter(Boolean).map(() => '..'));
    // Trees are listed without sizes: `--long` reads every blob's header, which fetches a missing one.
    for (const line of runGit(cwd, ['ls-tree', '-r', '-t', '-z', '--full-tree', this.commit]).toString('utf8').split('\0')) {
      const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.+)$/s.exec(line);
      if (!m) continue;
      const kind = KIND_OF_MODE[m[1]] ?? 'other';
      const rel = m[4];
      this.nodes.set(rel, { kind, oid: m[3] });
      if (kind === 'folder' && !this.children.has(rel)) this.children.set(rel, []);
      const slash = rel.lastIndexOf('/');
      const parent = slash < 0 ? '' : rel.slice(0, slash);
      let siblings = this.children.get(parent);
      if (!siblings) this.children.set(parent, (siblings = []));
      siblings.push({ name: rel.slice(slash + 1), kind });
    }
  }

  /** `p` relative to the repository's root with forward slashes ('' for the root), or undefined outside it. */
  private rel(p: string): string | undefined {
    const r = path.relative(this.top, path.resolve(p));
    if (r === '') return '';
    if (r === '..' || r.startsWith('..' + path.sep) || path.isAbsolute(r)) return undefined;
    return r.split(path.sep).join('/');
  }

  list(dir: string): readonly SourceEntry[] {
    const r = this.rel(dir);
    const entries = r === undefined ? undefined : this.children.get(r);
    if (!entries) throw new Error(`${this.label} has no folder ${dir}`);
    return entries;
  }

  exists(p: string): boolean {
    const r = this.rel(p);
    return r === '' || (r !== undefined && this.nodes.has(r));
  }

  kindOf(p: string): EntryKind | undefined {
    const real = this.realPath(p);
    if (typeof real !== 'string') return undefined;
    const r = this.rel(real);
    return r === '' ? 'folder' : r === undefined ? undefined : this.nodes.get(r)?.kind;
  }

  repositoryOf(folder: string): string | undefined {
    return this.rel(folder) === undefined ? undefined : this.top;
  }

  /**
   * Resolves symbolic links inside the tree, as realpath does on disk: a link's target is taken relative
   * to its folder; a path that leaves the repository is returned as it stands (the walk does not follow
   * a link out of the workspace).
   */
  realPath(p: string): string | { reason: string } {
    const start = this.rel(p);
    if (start === undefined) return path.resolve(p);
    const queue = start.split('/').filter(Boolean);
    const done: string[] = [];
    let hops = 0;
    while (queue.length) {
      const name = queue.shift()!;
      if (name === '.' || name === '') continue;
      if (name === '..') {
        if (!done.length) return path.resolve(this.top, '..', ...queue);
        done.pop();
        continue;
      }
      const here = [...done, name].join('/');
      const node = this.nodes.get(here);
      if (!node) return { reason: hops ? 'it is a symbolic link to a file that does not exist' : 'it no longer exists' };
      if (node.kind !== 'link') {
        done.push(name);
        if (queue.length && node.kind !== 'folder') return { reason: 'it no longer exists' };
        continue;
      }
      if (++hops > MAX_LINKS) return { reason: 'its symbolic links form a loop' };
      const target = this.linkTarget(here, node.oid);
      if (path.isAbsolute(target)) {
        const inside = this.rel(target);
        if (inside === undefined) return path.resolve(target, ...queue);
        done.length = 0;
        queue.unshift(...inside.split('/'));
      } else {
        queue.unshift(...target.split('/'));
      }
    }
    return done.length ? path.join(this.top, ...done) : this.top;
  }

  /** A link's target; the revision's links are read together, the first time one is needed. */
  private linkTarget(rel: string, oid: string): string {
    if (!this.links) {
      const links = [...this.nodes].filter(([, n]) => n.kind === 'link');
      const present = links.filter(([, n]) => !this.missingObjects().has(n.oid));
      this.links = new Map();
      const blobs = this.catFile(present.map(([, n]) => n.oid));
      present.forEach(([r], i) => this.links!.set(r, blobs[i].toString('utf8')));
    }
    const target = this.links.get(rel);
    if (target === undefined) throw this.missingError(rel, oid);
    return target;
  }

  /** The objects of the commit's tree that the repository does not have, found without fetching any. */
  private missingObjects(): Set<string> {
    if (!this.missing) {
      // `--missing=print` lists them as `?OID` and never fetches; trees are all present (ls-tree read them).
      const out = runGit(this.cwd, ['rev-list', '--objects', '--no-walk', '--missing=print', this.commit]).toString('utf8');
      this.missing = new Set(out.split('\n').filter((l) => l.startsWith('?')).map((l) => l.slice(1).trim()));
    }
    return this.missing;
  }

  private missingError(rel: string, oid: string): SourceError {
    return new SourceError(
      `${this.label}:${rel}: object ${oid} is missing from this repository (a partial or damaged clone); octopus-roles reads only what the repository holds: bring the object in with git from a remote you trust, then run again`,
    );
  }

  *read(requests: readonly ReadRequest[]): Iterable<BytesOutcome> {
    // Every request is located first, so that a missing object stops the run before anything is read.
    const located = requests.map((r) => this.locate(r));
    const blobs = located.filter((l): l is Blob => 'oid' in l);
    const sizes = this.sizes(blobs);
    const plan = located.map((l): BytesOutcome | Blob => {
      if (!('oid' in l)) return l;
      const size = sizes.get(l.oid)!;
      return size > l.maxBytes ? { id: l.real, problem: fileTooLarge(size, l.maxBytes) } : { ...l, size };
    });
    const ready = new Map<number, Buffer>();
    for (let i = 0; i < plan.length; i++) {
      const step = plan[i];
      if (!('oid' in step)) {
        yield step;
        continue;
      }
      if (!ready.has(i)) {
        // The blobs from here on, up to BATCH_BYTES (at least one), in one `git cat-file --batch`.
        const batch: number[] = [];
        for (let j = i, total = 0; j < plan.length && (batch.length === 0 || total < BATCH_BYTES); j++) {
          const b = plan[j];
          if (!('oid' in b)) continue;
          batch.push(j);
          total += b.size ?? 0;
        }
        const bodies = this.catFile(batch.map((j) => (plan[j] as Blob).oid));
        batch.forEach((j, k) => ready.set(j, bodies[k]));
      }
      const bytes = ready.get(i)!;
      ready.delete(i);
      yield { bytes, id: step.real };
    }
  }

  /** Where a request's blob is, or why there is none to read. */
  private locate(r: ReadRequest): Blob | BytesOutcome {
    const real = r.real ?? this.realPath(r.path);
    if (typeof real !== 'string') return { problem: unreadableFile(real.reason) };
    const rel = this.rel(real);
    const node = rel === undefined ? undefined : this.nodes.get(rel);
    if (rel === undefined || !node) return { problem: unreadableFile(rel === undefined ? 'it is outside the repository' : 'it no longer exists') };
    if (node.kind !== 'file') return { id: real, problem: unreadableFile(node.kind === 'folder' ? 'it is a directory' : 'it is not a regular file') };
    if (this.missingObjects().has(node.oid)) throw this.missingError(rel, node.oid);
    return { oid: node.oid, rel, real, maxBytes: r.maxBytes };
  }

  /** The sizes of blobs (`git cat-file --batch-check`: headers only; none of them is missing). */
  private sizes(blobs: readonly Blob[]): Map<string, number> {
    const sizes = new Map<string, number>();
    if (!blobs.length) return sizes;
    const out = runGit(this.cwd, ['cat-file', '--batch-check'], blobs.map((b) => b.oid).join('\n') + '\n').toString('latin1');
    const lines = out.split('\n');
    blobs.forEach((b, i) => {
      const m = /^([0-9a-f]+) blob (\d+)$/.exec(lines[i] ?? '');
      if (!m || m[1] !== b.oid) throw lines[i]?.endsWith(' missing') ? this.missingError(b.rel, b.oid) : new SourceError(`git cat-file: unexpected answer for ${b.oid}`);
      sizes.set(b.oid, Number(m[2]));
    });
    return sizes;
  }

  /** The contents of blobs that are present, in one `git cat-file --batch`. */
  private catFile(oids: readonly string[]): Buffer[] {
    if (!oids.length) return [];
    const out = runGit(this.cwd, ['cat-file', '--batch'], oids.join('\n') + '\n');
    const bodies: Buffer[] = [];
    let at = 0;
    for (const oid of oids) {
      const end = out.indexOf(10, at);
      const m = /^([0-9a-f]+) blob (\d+)$/.exec(out.subarray(at, end < 0 ? at : end).toString('latin1'));
      if (end < 0 || !m || m[1] !== oid) throw new SourceError(`git cat-file: unexpected answer for ${oid}`);
      const size = Number(m[2]);
      bodies.push(out.subarray(end + 1, end + 1 + size));
      at = end + 1 + size + 1;
    }
    return bodies;
  }
}

/** A blob to read: where the loader reached it, and its object. */
interface Blob {
  readonly oid: string;
  readonly rel: string;
  readonly real: string;
  readonly maxBytes: number;
  readonly size?: number;
}

/**
 * The hostile corpus (SPEC §7): inputs that have crashed, hung or slowed language tools, each with the
 * bound it is held to and what a user sees. Small inputs are files in test/fixtures/hostile (byte-exact);
 * big and binary ones, links, a FIFO and an unreadable file are made at run time by `writeCorpus`.
 *
 * `boundMs` is the stated bound for reading and analysing that one file on the machine class of
 * docs/performance.md (2 cores, shared); the tests allow `SLACK` times that. docs/security.md shows the
 * same table, and a test checks that every input is listed there.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ErrorCode } from 'yaml';
/** test/fixtures/hostile, from out/test/support or test/support alike. */
export const HOSTILE_FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'hostile');

/** How many times its stated bound a test lets an input take (the machine is shared). */
export const SLACK = 10;

/** The stated bound for `octopus-roles check --format json` over the whole corpus, start to exit. */
export const CHECKER_BOUND_MS = 8000;
/** The tests allow the checker and the server's start-up this many times their bounds. */
export const WHOLE_SLACK = 5;
/**
 * The stated bound for the language server's answer to a request about another file right after an
 * input is opened in the editor: the input's own bound plus this, for the protocol.
 */
export const SERVER_MARGIN_MS = 200;
/** The stated bound for the server to index the whole corpus: start, scan, first diagnostics. */
export const SERVER_SCAN_BOUND_MS = 8000;

export interface HostileInput {
  /** The file's path in the corpus workspace. */
  readonly name: string;
  /** The row of the table: what the input is. */
  readonly what: string;
  /** Its content, when made at run time; otherwise it is test/fixtures/hostile/<name>. */
  readonly make?: () => string | Buffer;
  /** Text for the editor (didOpen), when it differs from the file's (or the file is not text). */
  readonly editorText?: () => string;
  /** A special file: made by `writeCorpus` itself, not opened in the editor. */
  readonly special?: 'self-link' | 'dangling-link' | 'outside-link' | 'fifo' | 'unreadable';
  /** The stated bound: reading and analysing this file, in milliseconds. */
  readonly boundMs: number;
  /** The codes the checker reports for the file, each at least once, sorted; [] for none. */
  readonly codes: readonly string[];
  /** Wording that one of its diagnostics must contain, where the wording is the point. */
  readonly message?: RegExp;
  /** What a user sees, in words, for the table in docs/security.md (default: the codes). */
  readonly sees?: string;
}

const isRoot = process.getuid?.() === 0;

/** A role with a list of `n` permissions (all the same one, so the list is valid YAML of any length). */
export const permissionList = (n: number, name = 'Hundred Thousand') => `name: ${name}\nspacePermissions:\n` + '  - ProjectView\n'.repeat(n);

/** Pseudo-random bytes, NULs included, the same on every run. */
function noise(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 2463534242;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/**
 * Every error code of the YAML parser (yaml 2.x; the type makes a new code a compile error here) with the
 * input that provokes it. Four cannot come from a role, team or space file: IMPOSSIBLE is an internal
 * assertion, MULTIPLE_DOCS comes only from single-document parsing, NON_STRING_KEY only with the
 * `stringKeys` option, and BAD_COLLECTION_TYPE is only ever a warning (the tag is ignored, as in
 * custom-tags.role.yaml).
 */
export const PARSER_ERRORS: Readonly<Record<ErrorCode, string | undefined>> = {
  ALIAS_PROPS: 'yaml-alias-props.role.yaml',
  BAD_ALIAS: 'yaml-bad-alias.role.yaml',
  BAD_COLLECTION_TYPE: undefined,
  BAD_DIRECTIVE: 'yaml-bad-directive.role.yaml',
  BAD_DQ_ESCAPE: 'yaml-bad-dq-escape.role.yaml',
  BAD_INDENT: 'yaml-bad-indent.role.yaml',
  BAD_PROP_ORDER: 'yaml-bad-prop-order.role.yaml',
  BAD_SCALAR_START: 'yaml-bad-scalar-start.role.yaml',
  BLOCK_AS_IMPLICIT_KEY: 'yaml-block-as-implicit-key.role.yaml',
  BLOCK_IN_FLOW: 'yaml-block-in-flow.role.yaml',
  DUPLICATE_KEY: 'yaml-duplicate-key.role.yaml',
  IMPOSSIBLE: undefined,
  KEY_OVER_1024_CHARS: 'yaml-key-over-1024-chars.role.yaml',
  MISSING_CHAR: 'yaml-missing-char.team.yaml',
  MULTILINE_IMPLICIT_KEY: 'yaml-multiline-implicit-key.role.yaml',
  MULTIPLE_ANCHORS: 'yaml-multiple-anchors.role.yaml',
  MULTIPLE_DOCS: undefined,
  MULTIPLE_TAGS: 'yaml-multiple-tags.role.yaml',
  NON_STRING_KEY: undefined,
  RESOURCE_EXHAUSTION: 'deep-flow.role.yaml',
  TAB_AS_INDENT: 'yaml-tab-as-indent.role.yaml',
  TAG_RESOLVE_FAILED: 'yaml-tag-resolve-failed.role.yaml',
  UNEXPECTED_TOKEN: 'yaml-unexpected-token.role.yaml',
};

const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A malformed-YAML input: `yaml-syntax` with the parser's message (and what else the file provokes). */
const syntaxRow = (name: string, message: string, others: string[] = []): HostileInput => ({
  name,
  what: `malformed YAML: ${Object.entries(PARSER_ERRORS).find(([, file]) => file === name)![0]}`,
  boundMs: 50,
  codes: [...others, 'yaml-syntax'].sort(),
  message: new RegExp(escape(message)),
  sees: `\`yaml-syntax\` at the error: "${message}"` + (others.length ? ` (and ${others.map((c) => `\`${c}\``).join(', ')})` : ''),
});

export const HOSTILE: readonly HostileInput[] = [
  { name: 'normal.role.yaml', what: 'an ordinary role (the file the server is asked about in between)', boundMs: 50, codes: [] },
  syntaxRow('yaml-alias-props.role.yaml', 'An alias node must not specify any properties', ['wrong-level']),
  syntaxRow('yaml-bad-alias.role.yaml', 'Anchor cannot be an empty string'),
  syntaxRow('yaml-bad-directive.role.yaml', '%YAML directive should contain exactly one part'),
  syntaxRow('yaml-bad-dq-escape.role.yaml', 'Invalid escape sequence \\q'),
  syntaxRow('yaml-bad-indent.role.yaml', 'All mapping items must start at the same column'),
  syntaxRow('yaml-bad-prop-order.role.yaml', 'Anchors and tags must be after the ? indicator'),
  syntaxRow('yaml-bad-scalar-start.role.yaml', 'Plain value cannot start with reserved character `'),
  syntaxRow('yaml-block-as-implicit-key.role.yaml', 'Nested mappings are not allowed in compact mappings', ['empty-role']),
  syntaxRow('yaml-block-in-flow.role.yaml', 'Block collections are not allowed within flow collections', ['empty-role']),
  syntaxRow('yaml-duplicate-key.role.yaml', 'is already set on line'),
  syntaxRow('yaml-key-over-1024-chars.role.yaml', 'The : indicator must be at most 1024 chars after the start of an implicit block mapping key'),
  syntaxRow('yaml-missing-char.team.yaml', 'the string opened by this " is never closed, so it runs on to the end of the file; add the closing "'),
  syntaxRow('yaml-multiline-implicit-key.role.yaml', 'Implicit keys need to be on a single line', ['empty-role']),
  syntaxRow('yaml-multiple-anchors.role.yaml', 'A node can have at most one anchor'),
  syntaxRow('yaml-multiple-tags.role.yaml', 'A node can have at most one tag'),
  syntaxRow('yaml-tab-as-indent.role.yaml', 'Tabs are not allowed as indentation'),
  syntaxRow('yaml-tag-resolve-failed.role.yaml', 'Could not resolve tag: !e!x'),
  syntaxRow('yaml-unexpected-token.role.yaml', 'Unexpected flow-seq-end token in YAML stream: "]"'),
  {
    name: 'conflict-markers.team.yaml',
    what: 'merge conflict markers',
    boundMs: 50,
    codes: ['implicit-system-grant', 'yaml-syntax'],
    message: /merge conflict marker `<<<<<<<`; resolve the conflict/,
    sees: '`yaml-syntax` on each marker line: "merge conflict marker `<<<<<<<`; resolve the conflict: keep the lines you want and delete the marker lines"; both sides are still analysed',
  },
  { name: 'bom-crlf.role.yaml', what: 'a byte-order mark and CRLF line endings', boundMs: 50, codes: [] },
  { name: 'mixed-line-endings.space.yaml', what: 'CRLF, LF and lone CR line endings in one file', boundMs: 50, codes: [] },
  { name: 'empty.role.yaml', what: 'an empty file', boundMs: 50, codes: [] },
  { name: 'only-comments.team.yaml', what: 'a file of comments only', boundMs: 50, codes: [] },
  { name: 'custom-tags.role.yaml', what: 'custom and language tags (`!!js/function`, `!!python/object/apply`)', boundMs: 50, codes: [], sees: 'no finding: tags are ignored and the plain value is read; nothing is constructed or run' },
  { name: 'merge-keys.team.yaml', what: 'merge keys (`<<: *base`)', boundMs: 50, codes: ['implicit-system-grant'] },
  { name: 'alias-bomb.role.yaml', what: 'an alias bomb ("billion laughs", 9 levels of 9 aliases)', boundMs: 50, codes: ['empty-role', 'invalid-value', 'unknown-key'], sees: '`invalid-value` where an alias to a list stands for a permission name; aliases are resolved one level, never expanded' },
  {
    name: 'deep-flow.role.yaml',
    what: 'nesting 10,000 deep (`[[[...]]]`)',
    make: () => 'name: Deep Flow\nspacePermissions: ' + '['.repeat(10000) + ']'.repeat(10000) + '\n',
    boundMs: 500,
    codes: ['empty-role', 'yaml-syntax'],
    message: /nested too deeply/,
    sees: '`yaml-syntax`: "the document is nested too deeply to analyse" (and `empty-role`, since no permission could be read)',
  },
  {
    name: 'deep-block.role.yaml',
    what: 'nesting 10,000 deep (`- - - ...`)',
    make: () => 'name: Deep Block\nspacePermissions:\n  ' + '- '.repeat(10000) + 'ProjectView\n',
    boundMs: 500,
    codes: ['empty-role', 'yaml-syntax'],
    message: /nested too deeply/,
    sees: 'the same',
  },
  {
    name: 'long-line.role.yaml',
    what: 'a line of 1,000,000 characters',
    sees: 'no finding: the file is fine',
    make: () => 'name: Long Line\nspacePermissions: [ProjectView]\ndescription: ' + 'a'.repeat(1_000_000) + '\n',
    boundMs: 200,
    codes: [],
  },
  {
    name: 'long-suppression.role.yaml',
    what: 'a suppression comment followed by 1,000,000 spaces',
    make: () => 'name: Long Comment\nspacePermissions: [ProjectView]\n# octopus-roles-disable-next-line' + ' '.repeat(1_000_000) + 'empty-role\n',
    boundMs: 200,
    codes: [],
    sees: 'no finding, at once (comments are read in linear time; a backtracking pattern here once took minutes)',
  },
  {
    name: 'hundred-thousand.role.yaml',
    what: 'a permission list of 100,000 items (1.6 MB)',
    make: () => permissionList(100000),
    boundMs: 3000,
    codes: ['duplicate-permission'],
    sees: '99,999 `duplicate-permission` warnings (every item is analysed; did-you-mean suggestions, where names are unknown, for the first 200 only)',
  },
  {
    name: 'ten-megabytes.role.yaml',
    what: 'a 10 MB file',
    make: () => permissionList(Math.ceil((10 * 2 ** 20) / 16), 'Ten Megabytes'),
    boundMs: 50,
    codes: ['file-too-large'],
    message: /over the 2 MB limit/,
    sees: '`file-too-large` (warning) at the top: "This file is 10 MB, over the 2 MB limit, so it is not analysed. Split it, or raise `maxFileSize` in .octopus-roles.yaml." Opened in the editor, the same.',
  },
  {
    name: 'binary.role.yaml',
    what: 'binary data (64 KB of random bytes)',
    make: () => noise(64 * 1024),
    editorText: () => noise(4096).toString('latin1'),
    boundMs: 50,
    codes: ['unreadable-file'],
    message: /binary data/,
    sees: '`unreadable-file` (error): "This file cannot be analysed: it holds binary data (a NUL byte at offset N), not YAML text."',
  },
  {
    name: 'latin1.space.yaml',
    what: 'invalid UTF-8 (a file saved as Latin-1)',
    make: () => Buffer.from('name: Z\u00fcrich\nenvironments: [Pr\u00fcfung]\n', 'latin1'),
    editorText: () => 'name: Z\u00fcrich\nenvironments: [Pr\u00fcfung]\n',
    boundMs: 50,
    codes: ['unreadable-file'],
    message: /not valid UTF-8/,
    sees: '`unreadable-file` (error): "...it is not valid UTF-8 text (invalid byte sequence near offset N)."',
  },
  {
    name: 'utf16.team.yaml',
    what: 'UTF-16 text (with a byte-order mark)',
    make: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name: Wide\nroles: [Project Viewer]\n', 'utf16le')]),
    // An editor decodes UTF-16 by its byte-order mark.
    editorText: () => 'name: Wide\nroles: [Project Viewer]\n',
    boundMs: 50,
    codes: ['unreadable-file'],
    message: /binary data/,
    sees: '`unreadable-file`, as binary data (its NUL bytes); save it as UTF-8',
  },
  { name: 'self-link.role.yaml', what: 'a symbolic link to itself', special: 'self-link', boundMs: 50, codes: ['unreadable-file'], message: /symbolic links form a loop/, sees: '`unreadable-file`: "...: its symbolic links form a loop."' },
  { name: 'dangling-link.role.yaml', what: 'a symbolic link to nothing', special: 'dangling-link', boundMs: 50, codes: ['unreadable-file'], message: /symbolic link to a file that does not exist/, sees: '`unreadable-file`: "...: it is a symbolic link to a file that does not exist."' },
  { name: 'fifo.role.yaml', what: 'a named pipe (FIFO) with a role file name', special: 'fifo', boundMs: 50, codes: ['unreadable-file'], message: /not a regular file/, sees: '`unreadable-file`: "...: it is not a regular file." (opened without blocking and closed as soon as `fstat` shows what it is, so no read blocks)' },
  {
    name: 'locked.role.yaml',
    what: 'a file without read permission',
    special: 'unreadable',
    boundMs: 50,
    // Root reads everything: then it is an ordinary role.
    codes: isRoot ? [] : ['unreadable-file'],
    message: isRoot ? undefined : /permission denied/,
    sees: '`unreadable-file`: "...: permission denied." (a checker run as root reads it)',
  },
];

/**
 * Links that are not files of the workspace, and so get no row of diagnostics: `loop` (a link to the
 * workspace itself: every folder is visited once) and `outside`, `outside.role.yaml` (links that lead out
 * of the workspace: not followed, with a skip message).
 */
export const LINKS_NOT_FOLLOWED = ['outside', 'outside.role.yaml'];

/** Writes the corpus into `dir` (links to outside go to `outsideDir`). Returns the inputs that could be made. */
export function writeCorpus(dir: string, outsideDir: string): HostileInput[] {
  const made: HostileInput[] = [];
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(outsideDir, 'secret.role.yaml'), 'secret: not to be read\n');
  for (const input of HOSTILE) {
    const file = path.join(dir, input.name);
    switch (input.special) {
      case 'self-link':
        symlinkSync(file, file);
        break;
      case 'dangling-link':
        symlinkSync(path.join(dir, 'no-such-file.role.yaml'), file);
        break;
      case 'fifo':
        if (spawnSync('mkfifo', [file]).status !== 0) continue;
        break;
      case 'unreadable':
        writeFileSync(file, 'name: Locked\nspacePermissions: [ProjectView]\n');
        chmodSync(file, 0);
        break;
      default:
        writeFileSync(file, input.make ? input.make() : readFileSync(path.join(HOSTILE_FIXTURES, input.name)));
    }
    made.push(input);
  }
  symlinkSync(dir, path.join(dir, 'loop'));
  symlinkSync(outsideDir, path.join(dir, 'outside'));
  symlinkSync(path.join(outsideDir, 'secret.role.yaml'), path.join(dir, 'outside.role.yaml'));
  return made;
}

/** The text an editor would hold for an input, or undefined for inputs an editor does not open. */
export function editorTextOf(input: HostileInput): string | undefined {
  if (input.editorText) return input.editorText();
  if (input.special) return undefined;
  const content = input.make ? input.make() : readFileSync(path.join(HOSTILE_FIXTURES, input.name));
  const text = typeof content === 'string' ? content : content.toString('utf8');
  return text.startsWith('\ufeff') ? text.slice(1) : text;
}

/** Every committed fixture of the corpus, to check that the table lists each. */
export function hostileFixtureNames(): string[] {
  return readdirSync(HOSTILE_FIXTURES).filter((f) => f.endsWith('.yaml'));
}

const thousands = (n: number) => n.toLocaleString('en');

/** The table of docs/security.md, between its `hostile` markers, made from `HOSTILE`. */
export function boundsTable(): string {
  const rows = HOSTILE.map((input) => {
    const sees = input.sees ?? (input.codes.length ? input.codes.map((c) => `\`${c}\``).join(', ') : 'no finding: the file is fine');
    return `| ${input.what} | ${thousands(input.boundMs)} ms | ${sees} |`;
  });
  return [
    `Bounds are for reading and analysing one file on a shared 2-core machine (docs/performance.md); the tests allow ${SLACK} times each. The whole corpus in one \`octopus-roles check --format json\` run: ${thousands(CHECKER_BOUND_MS)} ms; the language server indexing it: ${thousands(SERVER_SCAN_BOUND_MS)} ms (tests allow ${WHOLE_SLACK} times). With any input open in the editor, the server answers a request about another file within the input's bound plus ${SERVER_MARGIN_MS} ms.`,
    '',
    '| input | bound | what a user sees |',
    '| --- | ---: | --- |',
    ...rows,
    `| a symbolic link to a folder above it (a loop) | — | nothing: every folder is visited once |`,
    `| a symbolic link to a file or folder outside the workspace | — | not followed; the checker prints \`skipped PATH: a symbolic link to TARGET, outside the workspace: not followed\` and the server logs it |`,
  ].join('\n');
}

/** The corpus written to a fresh temporary folder, with a folder outside it for the links that lead out. */
export interface CorpusOnDisk {
  readonly dir: string;
  readonly outside: string;
  readonly made: HostileInput[];
  /** Removes both folders (the unreadable file made readable first). */
  remove(): void;
}

/** Writes the corpus into a new temporary workspace (`writeCorpus`): what the corpus tests share. */
export function corpusOnDisk(): CorpusOnDisk {
  const base = mkdtempSync(path.join(tmpdir(), 'octopus-roles-hostile-'));
  const dir = path.join(base, 'workspace');
  const outside = path.join(base, 'outside');
  mkdirSync(outside);
  const made = writeCorpus(dir, outside);
  return {
    dir,
    outside,
    made,
    remove() {
      if (existsSync(path.join(dir, 'locked.role.yaml'))) chmodSync(path.join(dir, 'locked.role.yaml'), 0o644);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/**
 * The corpus on disk for one `describe` (call it in the block's body): written before the block's tests,
 * removed after them.
 */
export function corpusForBlock(): { readonly dir: string; readonly made: readonly HostileInput[] } {
  let corpus: CorpusOnDisk | undefined;
  before(() => {
    corpus = corpusOnDisk();
  });
  after(() => corpus?.remove());
  return {
    get dir() {
      return corpus!.dir;
    },
    get made() {
      return corpus!.made;
    },
  };
}

/** Sorted distinct codes of findings. */
export const codesOf = (ds: readonly { code: string }[]): string[] => [...new Set(ds.map((d) => d.code))].sort();

/**
 * The length of every function in the sources, as TypeScript parses them: declarations, methods,
 * constructors, accessors, function expressions and arrow functions (a callback counts on its own, and
 * within the function that holds it too). test/unit/functions.test.ts holds them to `MAX_FUNCTION_LINES`.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** The longest a function may be, in lines from its first to its last. */
export const MAX_FUNCTION_LINES = 80;

/** One function: where it is, what it is called, how many lines it spans. */
export interface FunctionLength {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly lines: number;
}

/** A function's name as a reader finds it: its own, the variable or property it is assigned to, or `(anonymous)`. */
function nameOf(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (named.name && (ts.isIdentifier(named.name) || ts.isStringLiteral(named.name) || ts.isPrivateIdentifier(named.name))) return named.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

/** Every function of one file (`file` as given, for messages). */
export function functionLengths(file: string, text = readFileSync(file, 'utf8')): FunctionLength[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: FunctionLength[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ file, line: start + 1, name: nameOf(node), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The functions longer than `MAX_FUNCTION_LINES` among `files`, longest first, with paths relative to `root`. */
export function longFunctions(files: readonly string[], root: string): FunctionLength[] {
  return files
    .flatMap((f) => functionLengths(f).map((fn) => ({ ...fn, file: path.relative(root, f).split(path.sep).join('/') })))
    .filter((fn) => fn.lines > MAX_FUNCTION_LINES)
    .sort((a, b) => b.lines - a.lines);
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** An environment variable's name: what the readers and `env.NAME` accesses are given. */
const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * The environment variables the code under `srcDir` reads, found in its syntax (not a list kept by
 * hand, so a variable another branch adds is seen): the name given to a reader of
 * `src/config/env.ts` (`readInt(env, 'PORT', ...)`), or to a local function that passes its
 * argument on to one (`const text = (name) => readOptionalString(env, name)`), and `env.NAME` /
 * `process.env.NAME` / `env['NAME']` on anything called `env`. Names built at run time
 * (`process.env[variable]`) are the competition file's business and are not listed.
 *
 * @example
 *   variablesRead('src').get('PORT') // ['config/app-config.ts']
 */
export function variablesRead(srcDir: string): Map<string, string[]> {
  const sources = typeScriptFiles(srcDir).map((file) => ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true));
  // Wrappers are collected over every file first: a module may export its own reader (`readKeyFile(env, 'API_KEYS_FILE')`).
  const readers = envReaderNames(path.join(srcDir, 'config/env.ts'));
  collectWrappers(sources, readers);
  const found = new Map<string, string[]>();
  for (const source of sources) {
    const relative = path.relative(srcDir, source.fileName);
    for (const name of variablesReadIn(source, readers)) found.set(name, [...(found.get(name) ?? []), relative]);
  }
  return found;
}

/** The names `source` reads, given the readers (function name -> index of its name argument). */
export function variablesReadIn(source: ts.SourceFile, envReaders: ReadonlyMap<string, number>): Set<string> {
  const readers = new Map(envReaders);
  collectWrappers([source], readers);
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const index = readers.get(node.expression.text);
      const argument = index === undefined ? undefined : node.arguments[index];
      if (argument && ts.isStringLiteralLike(argument) && VARIABLE_NAME.test(argument.text)) names.add(argument.text);
    }
    if (ts.isPropertyAccessExpression(node) && isEnvObject(node.expression) && VARIABLE_NAME.test(node.name.text)) names.add(node.name.text);
    if (ts.isElementAccessExpression(node) && isEnvObject(node.expression) && ts.isStringLiteralLike(node.argumentExpression) && VARIABLE_NAME.test(node.argumentExpression.text)) {
      names.add(node.argumentExpression.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** `env`, `process.env`, `io.env`, `this.env`: the objects variables are read from. */
function isEnvObject(node: ts.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text === 'env';
  return ts.isPropertyAccessExpression(node) && node.name.text === 'env';
}

/** Exported functions of env.ts shaped `(env: Env, name: string, ...)`: the name is their argument 1. */
function envReaderNames(envFile: string): Map<string, number> {
  const source = ts.createSourceFile(envFile, fs.readFileSync(envFile, 'utf8'), ts.ScriptTarget.ES2022, true);
  const readers = new Map<string, number>();
  source.forEachChild((node) => {
    if (!ts.isFunctionDeclaration(node) || !node.name) return;
    const exported = node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const [first, second] = node.parameters;
    if (exported && first && second && first.type?.getText(source) === 'Env' && second.name.getText(source) === 'name') readers.set(node.name.text, 1);
  });
  return readers;
}

/** Adds the functions that pass one of their parameters on as a reader's name (to a fixed point: wrappers of wrappers). */
function collectWrappers(sources: ts.SourceFile[], readers: Map<string, number>): void {
  const functions: { name: string; parameters: string[]; body: ts.Node }[] = [];
  for (const source of sources) collectFunctions(source, functions);
  for (let grew = true; grew; ) {
    grew = false;
    for (const fn of functions) {
      if (readers.has(fn.name)) continue;
      const index = parameterPassedAsName(fn.body, fn.parameters, readers);
      if (index !== undefined) {
        readers.set(fn.name, index);
        grew = true;
      }
    }
  }
}

function collectFunctions(source: ts.SourceFile, functions: { name: string; parameters: string[]; body: ts.Node }[]): void {
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) {
      functions.push({ name: node.name.text, parameters: node.initializer.parameters.map((p) => p.name.getText(source)), body: node.initializer.body });
    }
    if (ts.isFunctionDeclaration(node) && node.name && node.body) {
      functions.push({ name: node.name.text, parameters: node.parameters.map((p) => p.name.getText(source)), body: node.body });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

function parameterPassedAsName(body: ts.Node, parameters: string[], readers: ReadonlyMap<string, number>): number | undefined {
  let found: number | undefined;
  const visit = (node: ts.Node): void => {
    if (found !== undefined) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const index = readers.get(node.expression.text);
      const argument = index === undefined ? undefined : node.arguments[index];
      if (argument && ts.isIdentifier(argument) && parameters.includes(argument.text)) found = parameters.indexOf(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CHECKLIST } from './checklist';

/**
 * A pack: `templates/packs/<name>/pack.yaml` plus template files. Every file under the pack's
 * `files/` folder, and under each `templates/shared/<set>/` it includes, is rendered to the same
 * relative path in the new project (path segments may hold placeholders too; the pack's own file
 * wins over a shared one of the same path). A new pack is a new folder: no code.
 *
 * @example  (pack.yaml)
 *   summary: a feed and rolling windows, like the reference game
 *   include: [participant]
 *   defaults: { feed: synthetic, assets: [BTC, ETH], ... }   # the answers, as in an answers file
 *   links: [{ path: 'models/example-python/{{module}}', target: '../../python/{{module}}' }]
 */
export interface TemplatePack {
  name: string;
  summary: string;
  /** Raw default answers (read with the checklist's parsers, like an answers file). */
  defaults: Record<string, unknown>;
  /** The checklist questions the pack asks; the others take its defaults. Absent: all of them. */
  asks?: string[];
  /** Relative symbolic links made after the files (rendered like file paths). */
  links: { path: string; target: string }[];
  /** Template files by output path (unrendered), each with the file it is read from. */
  files: Map<string, string>;
}

export class TemplatePackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplatePackError';
  }
}

/** `templates/` of this project, found by walking up from this file (works from src/ and dist/src/). */
export function locateTemplatesDir(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'templates', 'packs'))) return path.join(dir, 'templates');
    const parent = path.dirname(dir);
    if (parent === dir) throw new TemplatePackError(`cannot find templates/packs above ${start}`);
    dir = parent;
  }
}

export function listPacks(templatesDir: string): string[] {
  const packsDir = path.join(templatesDir, 'packs');
  return fs
    .readdirSync(packsDir)
    .filter((name) => fs.existsSync(path.join(packsDir, name, 'pack.yaml')))
    .sort();
}

export function loadPack(templatesDir: string, name: string): TemplatePack {
  const packs = listPacks(templatesDir);
  if (!packs.includes(name)) throw new TemplatePackError(`unknown pack "${name}" (packs: ${packs.join(', ')})`);
  const packDir = path.join(templatesDir, 'packs', name);
  const where = path.join('templates', 'packs', name, 'pack.yaml');
  const doc: unknown = parseYaml(fs.readFileSync(path.join(packDir, 'pack.yaml'), 'utf8'));
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new TemplatePackError(`${where}: expected a mapping`);
  const raw = doc as Record<string, unknown>;
  const unknownKeys = Object.keys(raw).filter((key) => !['summary', 'include', 'defaults', 'links', 'asks'].includes(key));
  if (unknownKeys.length > 0) throw new TemplatePackError(`${where}: unknown key ${unknownKeys[0]} (summary, include, defaults, links, asks)`);
  const asks = raw.asks;
  if (asks !== undefined && (!Array.isArray(asks) || !asks.every((key) => typeof key === 'string' && CHECKLIST.some((q) => q.key === key)))) {
    throw new TemplatePackError(`${where}: asks must be a list of checklist keys (${CHECKLIST.map((q) => q.key).join(', ')})`);
  }
  const include = raw.include ?? [];
  if (!Array.isArray(include) || !include.every((set) => typeof set === 'string' && /^[a-z0-9-]+$/.test(set))) {
    throw new TemplatePackError(`${where}: include must be a list of folder names under templates/shared`);
  }
  const links = raw.links ?? [];
  if (!Array.isArray(links) || !links.every((l) => typeof l?.path === 'string' && typeof l?.target === 'string')) {
    throw new TemplatePackError(`${where}: links must be a list of {path, target}`);
  }
  if (typeof raw.defaults !== 'object' || raw.defaults === null || Array.isArray(raw.defaults)) {
    throw new TemplatePackError(`${where}: defaults must be a mapping of answers`);
  }
  const files = new Map<string, string>();
  for (const set of include as string[]) {
    const setDir = path.join(templatesDir, 'shared', set);
    if (!fs.existsSync(setDir)) throw new TemplatePackError(`${where}: templates/shared/${set} does not exist`);
    collectFiles(setDir, '', files);
  }
  collectFiles(path.join(packDir, 'files'), '', files);
  return {
    name,
    summary: typeof raw.summary === 'string' ? raw.summary : '',
    defaults: raw.defaults as Record<string, unknown>,
    ...(asks === undefined ? {} : { asks: asks as string[] }),
    links: links as { path: string; target: string }[],
    files,
  };
}

function collectFiles(dir: string, relative: string, into: Map<string, string>): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === '__pycache__' || entry.name === 'node_modules') continue;
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) collectFiles(path.join(dir, entry.name), rel, into);
    else if (entry.isFile()) into.set(rel, path.join(dir, entry.name));
  }
}

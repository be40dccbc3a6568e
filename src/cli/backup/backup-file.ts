import * as fs from 'node:fs';
import * as path from 'node:path';
import { list } from 'tar';
import { CommandUsageError } from '../command-io';

/** A backup or restore that could not be done (the database is in use, pg_dump is missing, the target is not empty): exit code 1. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/**
 * What a backup file holds: `embedded` is PGlite's own dump of its data folder (a gzipped tar
 * with PG_VERSION at its root), `server` is pg_dump's custom format (it starts with "PGDMP").
 */
export type BackupKind = 'embedded' | 'server';

const PG_DUMP_MAGIC = Buffer.from('PGDMP');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** Reads the first bytes (and, for a tar, its entries) of `file`; a file that is neither kind is a usage error naming it. */
export function backupKindOf(file: string): BackupKind {
  const head = Buffer.alloc(PG_DUMP_MAGIC.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.equals(PG_DUMP_MAGIC)) return 'server';
  if (head.subarray(0, 2).equals(GZIP_MAGIC) && holdsDataFolder(file)) return 'embedded';
  throw new CommandUsageError(`${file} is not a coordinator backup (neither an embedded-database dump nor a pg_dump custom-format file)`);
}

function holdsDataFolder(file: string): boolean {
  let found = false;
  try {
    list({ file, sync: true, onReadEntry: (entry) => (found ||= entry.path.replace(/^\/+/, '') === 'PG_VERSION') });
  } catch {
    return false; // a truncated or corrupt archive
  }
  return found;
}

/** `--out FILE` must be new (a backup never replaces another) and its folder must exist. */
export function checkNewFile(file: string): void {
  if (fs.existsSync(file)) throw new CommandUsageError(`${file} already exists; a backup never replaces another, choose a new name`);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CommandUsageError(`the folder of ${file} does not exist`);
}

/** `--in FILE` must be a readable file. */
export function checkReadableFile(file: string): void {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new CommandUsageError(`${file} is not a file`);
}

/** Writes through `<file>.partial` and renames it, so an interrupted backup never leaves a file that looks complete. */
export async function writeCompletely(file: string, write: (partial: string) => Promise<void>): Promise<void> {
  const partial = `${file}.partial`;
  try {
    await write(partial);
    fs.renameSync(partial, file);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

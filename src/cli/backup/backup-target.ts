import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEnv } from 'node:util';
import { loadAppConfig } from '../../config/app-config';
import { Env } from '../../config/env';
import { serverOf } from '../../database/database-connect-error';
import { embeddedDatabaseDir } from '../../database/embedded-postgres';
import { CommandIo } from '../command-io';

/** The database a backup is taken of or restored into, as the node itself would open it. */
export type BackupTarget = { kind: 'embedded'; dataDir: string } | { kind: 'server'; url: string };

/**
 * The environment the node would start with: ENV_FILE (default `.env`) under the variables
 * already set, which win, as main.ts reads it; so `npm run backup` backs up the database the
 * node uses.
 */
export function nodeEnvironment(io: CommandIo): Env {
  const file = path.resolve(io.cwd, io.env.ENV_FILE ?? '.env');
  if (!fs.existsSync(file)) return { ...io.env };
  return { ...parseEnv(fs.readFileSync(file, 'utf8')), ...io.env };
}

/** DATABASE_URL's server, else the embedded database under DATA_DIR; throws ConfigError naming a bad variable. */
export function backupTarget(env: Env): BackupTarget {
  const config = loadAppConfig(env);
  return config.databaseUrl ? { kind: 'server', url: config.databaseUrl } : { kind: 'embedded', dataDir: embeddedDatabaseDir(config.dataDir) };
}

export function describeTarget(target: BackupTarget): string {
  return target.kind === 'server' ? `the PostgreSQL database ${serverOf(target.url)}` : `the embedded database at ${target.dataDir}`;
}

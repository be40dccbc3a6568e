import { execFile } from 'node:child_process';
import { Client } from 'pg';
import { describeConnectFailure, serverOf } from '../../database/database-connect-error';
import { BackupError, writeCompletely } from './backup-file';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Runs a PostgreSQL client tool against `url` with the password in PGPASSWORD, not on the
 * command line (where `ps` would show it); the tool's first error line becomes the BackupError.
 */
function runClientTool(tool: 'pg_dump' | 'pg_restore', url: string, args: string[], env: Environment): Promise<void> {
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = '';
  return new Promise((resolve, reject) => {
    execFile(tool, [...args, `--dbname=${target.toString()}`], { env: { ...env, ...(password ? { PGPASSWORD: password } : {}) }, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new BackupError(`${tool} is not on PATH: install the PostgreSQL client tools (the server's major version or newer, e.g. apt-get install postgresql-client) to back up or restore ${serverOf(url)}`));
      }
      const reason = String(stderr).split('\n').find((line) => line.trim() !== '') ?? err.message.split('\n')[0];
      reject(new BackupError(`${tool} failed for ${serverOf(url)}: ${reason}`));
    });
  });
}

/** `pg_dump --format=custom` of the database of `url` into `outFile` (a consistent snapshot: the coordinator may keep running). */
export async function backupServerDatabase(url: string, outFile: string, env: Environment): Promise<void> {
  await writeCompletely(outFile, (partial) => runClientTool('pg_dump', url, ['--format=custom', `--file=${partial}`], env));
}

/**
 * `pg_restore` of a custom-format dump into the database of `url`, which must hold no tables yet
 * (restoring never merges into a live database), in one transaction: a failure leaves it empty.
 * Ownership and grants are not restored (the restoring user owns everything); run
 * deployment/postgres/readonly-role.sql again for the report role.
 */
export async function restoreServerDatabase(url: string, inFile: string, env: Environment): Promise<void> {
  const tables = await countTables(url);
  if (tables > 0) throw new BackupError(`${serverOf(url)} already holds ${tables} table(s); restore into an empty database (createdb a new one and point DATABASE_URL at it)`);
  await runClientTool('pg_restore', url, ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', inFile], env);
}

async function countTables(url: string): Promise<number> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
    return result.rows[0].n;
  } catch (err) {
    throw new BackupError(`cannot connect to ${serverOf(url)}: ${describeConnectFailure(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

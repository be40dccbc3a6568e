import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/config-error';
import { createDirectories } from '../database/data-dir-lock';
import { DatabaseConnectError, describeConnectFailure, serverOf } from '../database/database-connect-error';

/** A database that neither answers nor refuses within this bound is reported (a host that drops packets). */
const DATABASE_PROBE_TIMEOUT_MS = 1500;

/** A listen address that neither binds nor fails within this bound is reported (a host name the resolver cannot answer). */
const LISTEN_PROBE_TIMEOUT_MS = 1500;

/**
 * The quick checks that need I/O, run after the configuration is validated and before the
 * database opens, so a bad DATA_DIR, a port in use or a bad HOST fails in milliseconds rather
 * than after migrations and the feed's backfill. Throws ConfigError naming the variable.
 */
export async function checkStartupResources(config: AppConfig, env: Record<string, string | undefined>): Promise<void> {
  // The embedded database and the Python environments live under DATA_DIR; with DATABASE_URL
  // and no DATA_DIR set the folder may never be needed (a read-only container).
  if (config.databaseUrl === undefined || env.DATA_DIR?.trim()) checkWritableDirectory(config.dataDir, 'DATA_DIR');
  await checkListenAddress(config.port, config.host);
  if (config.databaseUrl !== undefined) await checkDatabaseReachable(config.databaseUrl);
  if (config.reportDatabaseUrl !== undefined && config.roles.includes('report')) await checkDatabaseReachable(config.reportDatabaseUrl, 'REPORT_DATABASE_URL');
}

/** One connection and `SELECT 1`, bounded; throws ConfigError(variable) naming the server, never the password. */
export async function checkDatabaseReachable(url: string, variable = 'DATABASE_URL'): Promise<void> {
  // Loaded here: the driver is needed only when DATABASE_URL is set.
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: DATABASE_PROBE_TIMEOUT_MS });
  // A connection that fails later (server restarting) must not surface as an unhandled 'error' event.
  client.on('error', () => undefined);
  const started = Date.now();
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const reason = Date.now() - started >= DATABASE_PROBE_TIMEOUT_MS ? `no answer within ${DATABASE_PROBE_TIMEOUT_MS} ms` : describeConnectFailure(err);
    throw new ConfigError(variable, new DatabaseConnectError(serverOf(url), reason).message);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `dir` if needed and proves it writable with a probe file; throws ConfigError(key). */
export function checkWritableDirectory(dir: string, key: string): void {
  try {
    createDirectories(dir);
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(key, `${dir} is not a writable folder (${e.code ?? e.message})`);
  }
}

/**
 * Binds the HTTP port once and releases it. The real bind comes later (after the database
 * opens), and the pipeline starts only after it, so a port taken in between still stops the
 * process before any job runs.
 */
export function checkListenAddress(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    const timer = setTimeout(() => {
      server.close();
      reject(new ConfigError('HOST', `cannot listen on ${host}: no answer within ${LISTEN_PROBE_TIMEOUT_MS} ms`));
    }, LISTEN_PROBE_TIMEOUT_MS);
    server.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(listenError(err, port, host));
    });
    server.listen({ port, host, exclusive: true }, () => {
      clearTimeout(timer);
      server.close(() => resolve());
    });
  });
}

/** The configuration error a failed bind means: PORT when taken or privileged, HOST otherwise. */
export function listenError(err: NodeJS.ErrnoException, port: number, host: string): ConfigError {
  switch (err.code) {
    case 'EADDRINUSE':
      return new ConfigError('PORT', `port ${port} on ${host} is already in use`);
    case 'EACCES':
      return new ConfigError('PORT', `no permission to listen on port ${port} (ports below 1024 need privileges)`);
    default:
      // EADDRNOTAVAIL (not an address of this machine), ENOTFOUND / EAI_AGAIN (name not resolved)
      return new ConfigError('HOST', `cannot listen on ${host}: ${err.code ?? err.message}`);
  }
}

import * as path from 'node:path';
import { ApiKeyEntry, readApiKeys } from '../auth/api-keys';
import { RateLimitSettings, readRateLimitSettings } from '../http/rate-limits/rate-limit-settings';
import { ConfigError } from './config-error';
import { Env, readBool, readEnum, readInt, readList, readOptionalString, readString, readUrl } from './env';

export const ROLES = ['predict', 'score', 'report'] as const;
export type Role = (typeof ROLES)[number];
/** An IPv4 or IPv6 literal, or a host name (labels of letters, digits and hyphens). */
const HOST_PATTERN = /^(?:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)$/;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** The validated process configuration (everything read from the environment). */
export interface AppConfig {
  port: number;
  host: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** PostgreSQL URL; undefined = embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  /** PostgreSQL URL of a read-only role the report routes read through; undefined = they use `databaseUrl`. */
  reportDatabaseUrl: string | undefined;
  dataDir: string;
  /** Loopback port of the embedded database's socket (0 = any free port). */
  embeddedDbPort: number;
  competitionFile: string;
  roles: Role[];
  corsOrigins: string[];
  /** Run the scoring/predict schedules; tests switch this off and drive cycles themselves. */
  schedulesEnabled: boolean;
  /** Feed override: replaces the competition file's feed adapter (e.g. `pyth`, `crunchdao`). */
  feedAdapter: string | undefined;
  shutdownTimeoutMs: number;
  /** Predictions a predict instance keeps in memory while the database is unreachable (rounds past it are dropped with a warning). */
  outageBufferPredictions: number;
  /** API keys from API_KEYS_FILE and API_KEYS (none: every protected route answers 401). */
  apiKeys: ApiKeyEntry[];
  /** RATE_LIMIT_IP_PER_MINUTE, RATE_LIMIT_KEY_PER_MINUTE, TRUST_PROXY_HOPS. */
  rateLimits: RateLimitSettings;
}

export function loadAppConfig(env: Env = process.env): AppConfig {
  return {
    port: readInt(env, 'PORT', { default: 8000, min: 1, max: 65535 }),
    host: readString(env, 'HOST', { default: '0.0.0.0', pattern: HOST_PATTERN, hint: 'an IP address or a host name such as localhost' }),
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, { default: 'info' }),
    databaseUrl: readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    reportDatabaseUrl: readReportDatabaseUrl(env),
    dataDir: path.resolve(readString(env, 'DATA_DIR', { default: './data' })),
    embeddedDbPort: readInt(env, 'EMBEDDED_DB_PORT', { default: 0, min: 0, max: 65535 }),
    competitionFile: path.resolve(readString(env, 'COMPETITION_FILE', { default: 'competitions/demo.yaml' })),
    roles: readRoles(env),
    corsOrigins: readList(env, 'CORS_ORIGINS', { default: [] }),
    schedulesEnabled: readBool(env, 'SCHEDULES_ENABLED', { default: true }),
    feedAdapter: readOptionalString(env, 'FEED_ADAPTER'),
    shutdownTimeoutMs: readInt(env, 'SHUTDOWN_TIMEOUT_MS', { default: 8000, min: 100, max: 60000 }),
    outageBufferPredictions: readInt(env, 'OUTAGE_BUFFER_PREDICTIONS', { default: 50_000, min: 0, max: 10_000_000 }),
    apiKeys: readApiKeys(env),
    rateLimits: readRateLimitSettings(env),
  };
}

/** REPORT_DATABASE_URL: a second connection to the server of DATABASE_URL; the embedded database has no roles to make one read-only. */
function readReportDatabaseUrl(env: Env): string | undefined {
  const url = readUrl(env, 'REPORT_DATABASE_URL', ['postgres:', 'postgresql:']);
  if (url !== undefined && readOptionalString(env, 'DATABASE_URL') === undefined) {
    throw new ConfigError('REPORT_DATABASE_URL', 'is set but DATABASE_URL is not: the read-only report connection needs a PostgreSQL server (set DATABASE_URL too, or unset REPORT_DATABASE_URL)');
  }
  return url;
}

/**
 * ROLES: a comma-separated list of pipeline stages, all three when unset. Set but empty, an empty
 * item (`ROLES=","`, `predict,,score`) or an unknown role is an error, never "no role".
 */
function readRoles(env: Env): Role[] {
  if (env.ROLES === undefined) return [...ROLES];
  const items = env.ROLES.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new ConfigError('ROLES', `has an empty role in "${env.ROLES}"; list one or more of ${ROLES.join(', ')}, separated by commas`);
  }
  const roles = readList(env, 'ROLES', { default: [], allowed: ROLES });
  return [...new Set(roles)];
}

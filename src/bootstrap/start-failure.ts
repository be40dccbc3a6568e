import { ConfigError } from '../config/config-error';
import { DataDirInUseError } from '../database/data-dir-lock';
import { DatabaseConnectError } from '../database/database-connect-error';

/**
 * The one line a failed start prints on stderr: the variable or key for a configuration
 * problem, the first line of the message otherwise (never a stack trace).
 *
 * @example
 *   startFailureLine(new ConfigError('PORT', 'must be an integer, got "x"'), false)
 *   // 'configuration error (environment): PORT: must be an integer, got "x"'
 */
export function startFailureLine(err: unknown, databaseUrlSet: boolean): string {
  if (err instanceof ConfigError) return `configuration error (${err.source}): ${err.message}`;
  if (err instanceof DatabaseConnectError && databaseUrlSet) return `configuration error (environment): DATABASE_URL: ${err.message}`;
  if (err instanceof DataDirInUseError) return `cannot start: DATA_DIR: ${err.message}`;
  const message = err instanceof Error ? err.message : String(err);
  return `cannot start: ${message.split('\n')[0]}`;
}

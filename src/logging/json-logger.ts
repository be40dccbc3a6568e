import { LoggerService, LogLevel } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';

const NEST_TO_PINO: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Keys whose values never reach the logs (credentials in structured fields). */
export const REDACTED_KEYS = [
  'password', 'secret', 'token', 'apiKey', 'authorization', 'databaseUrl', 'DATABASE_URL', '*.password', '*.token', '*.secret',
  // API keys arrive in these request headers: a logged request or header object never shows them.
  '["x-api-key"]', '*["x-api-key"]', '*.authorization', 'headers.authorization', 'headers["x-api-key"]', '*.headers.authorization', '*.headers["x-api-key"]',
  'details[*].headers.authorization', 'details[*].headers["x-api-key"]',
];

/**
 * Nest's logger backed by pino: one JSON object per line with level, time, context and message.
 *
 * @example
 *   const app = await NestFactory.create(AppModule, { logger: new JsonLogger('info') });
 */
export class JsonLogger implements LoggerService {
  readonly pino: Pino;

  constructor(level: pino.LevelWithSilent = 'info', destination?: pino.DestinationStream) {
    this.pino = pino(
      {
        level,
        base: { service: 'coordinator-node' },
        timestamp: pino.stdTimeFunctions.isoTime,
        redact: { paths: REDACTED_KEYS, censor: '[redacted]' },
        formatters: { level: (label) => ({ level: label }) },
      },
      destination ?? pino.destination({ dest: 1, sync: false }),
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  flush(): void {
    this.pino.flush();
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    // Nest passes the context as the last string argument and, for errors, a stack before it.
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (level === 'error' && typeof args[0] === 'string' && args[0].includes('\n    at ')) fields.stack = args.shift();
    if (args.length) fields.details = args;
    const target = NEST_TO_PINO[level];
    if (message instanceof Error) {
      this.pino[target]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[target]({ ...fields, ...(message as object) });
    } else {
      this.pino[target](fields, String(message));
    }
  }
}

import { STATUS_CODES } from 'node:http';

/** The answer to a request the client got wrong: its 4xx status and a short message safe to show. */
export interface ClientError {
  status: number;
  /** The standard reason phrase, e.g. 'Payload Too Large'. */
  error: string;
  message: string;
}

/** Messages are echoed to the client and logged: long enough for body-parser's, short enough for a log line. */
const MAX_MESSAGE_LENGTH = 200;

/**
 * Recognises the client errors Express and its body parsers raise before any controller runs
 * (a body over the size limit, an unknown charset or Content-Encoding, a body that is not the
 * gzip it claims, a malformed body). They follow the `http-errors` convention: a 4xx `status`
 * (or `statusCode`) and `expose: true`, which marks the message as safe to show. Anything else,
 * an upstream call's 404 included, is not a client error of this request.
 *
 * @example
 *   clientError(Object.assign(new Error('request entity too large'), { status: 413, expose: true, type: 'entity.too.large' }));
 *   // { status: 413, error: 'Payload Too Large', message: 'request entity too large' }
 */
export function clientError(err: unknown): ClientError | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  const status = e.status ?? e.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 499 || e.expose !== true) return undefined;
  const error = STATUS_CODES[status] ?? 'Client Error';
  const message = typeof e.message === 'string' && e.message.length > 0 ? e.message.slice(0, MAX_MESSAGE_LENGTH) : error;
  return { status, error, message };
}

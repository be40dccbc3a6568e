import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import { clientError } from './client-error';

/** Enough of the URL to find the request in the logs; a hostile query string can be kilobytes. */
const MAX_LOGGED_URL_LENGTH = 200;

/**
 * The one place an error escaping a request becomes its answer, never with a stack trace or SQL
 * in the response:
 * - HttpExceptions (the controllers' 400s and friends, Nest's 404) keep their own answer;
 * - client errors raised before a controller runs (body over the size limit 413, unknown charset
 *   or Content-Encoding 415, a body that is not the gzip it claims 400) answer their 4xx with
 *   `{statusCode, error, message}` and one warn line without a stack, so hostile clients cannot
 *   flood the logs with traces;
 * - an unreachable database answers 503 with Retry-After;
 * - anything else is a bug: a bare 500, and the stack at error level.
 *
 * @example
 *   app.useGlobalFilters(new HttpErrorFilter()); // done by configureHttp
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      res.status(status).json(typeof body === 'string' ? { statusCode: status, message: body } : body);
      return;
    }
    const client = clientError(exception);
    if (client) {
      this.logger.warn(`${requestLine(req)}: ${client.status} ${client.message}`);
      res.status(client.status).json({ statusCode: client.status, error: client.error, message: client.message });
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`${requestLine(req)}: database unavailable (${(exception as Error).message})`);
      res.status(HttpStatus.SERVICE_UNAVAILABLE).setHeader('Retry-After', '5').json({ statusCode: 503, error: 'Service Unavailable', message: 'database unavailable, retry shortly' });
      return;
    }
    this.logger.error(`${requestLine(req)}: ${(exception as Error)?.stack ?? String(exception)}`);
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  }
}

function requestLine(req: Pick<Request, 'method' | 'url'>): string {
  const url = req.url ?? '';
  return `${req.method} ${url.length > MAX_LOGGED_URL_LENGTH ? `${url.slice(0, MAX_LOGGED_URL_LENGTH)}...` : url}`;
}

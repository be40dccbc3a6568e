import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '../database/database-unavailable';

/**
 * The one place an error escaping a request becomes its answer, never with a stack trace or SQL
 * in the response:
 * - HttpExceptions (the controllers' 400s and friends, Nest's 404) keep their own answer;
 * - an unreachable database answers 503 with Retry-After;
 * - anything else is a bug: a bare 500, and the stack at error level.
 *
 * @example
 *   app.useGlobalFilters(new HttpErrorFilter());
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
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`${req.method} ${req.url}: database unavailable (${(exception as Error).message})`);
      res.status(HttpStatus.SERVICE_UNAVAILABLE).setHeader('Retry-After', '5').json({ statusCode: 503, error: 'Service Unavailable', message: 'database unavailable, retry shortly' });
      return;
    }
    this.logger.error(`${req.method} ${req.url}: ${(exception as Error)?.stack ?? String(exception)}`);
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  }
}

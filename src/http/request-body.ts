import type { IncomingMessage } from 'node:http';
import { BadRequestException } from '@nestjs/common';

/** Methods whose requests carry no body in this API; every route served today is one of them. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

/** Whether the request announces a body (a positive Content-Length, or any Transfer-Encoding). */
export function hasRequestBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

/**
 * Express middleware, installed before the body parsers: a GET or HEAD that carries a body is
 * answered 400 from its headers alone, so the body is never buffered, inflated or parsed (Node
 * discards the unread rest). Other methods keep the parsers and their limit (100 KB JSON, an
 * over-size body answers 413); routes that take a body, such as future admin actions, use them.
 *
 * @example
 *   app.use(refuseBodyOnBodylessMethods); // done by configureHttp
 */
export function refuseBodyOnBodylessMethods(req: IncomingMessage, _res: unknown, next: (err?: unknown) => void): void {
  if (BODYLESS_METHODS.has(req.method ?? '') && hasRequestBody(req)) {
    next(new BadRequestException(`a ${req.method} request takes no body`));
    return;
  }
  next();
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { INestApplication, Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/** Route label of a request no route matched (404s, bodies refused before routing): one series, whatever the URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Counts one answer of a route served outside Nest (the leaderboard fast path). */
export type ServedAnswer = (statusCode: number) => void;

/**
 * `coordinator_http_requests_total{method,route,status}`. The route is the Nest route template
 * (`/reports/models/:modelId`), never the raw URL, so the series stay bounded by the routes the
 * app declares (and the few status codes and methods). Counted when the answer is sent.
 *
 * @example
 *   consumer.apply(httpMetrics.middleware).forRoutes('*');      // every Nest route
 *   const served = httpMetrics.servedOutsideNest('GET', '/reports/leaderboard');
 *   served(200);                                                 // the fast path's answer
 */
@Injectable()
export class HttpRequestMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'coordinator_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
  }

  /** Express middleware: counts the request once its answer is sent, under the route Express matched. */
  readonly middleware = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    res.once('finish', () => {
      const route = (req as IncomingMessage & { route?: { path?: unknown } }).route?.path;
      this.requests.inc({ method: req.method ?? 'GET', route: typeof route === 'string' ? route : UNMATCHED_ROUTE, status: res.statusCode });
    });
    next();
  };

  /**
   * A counter of one route answered before Nest sees it: its children are resolved here, once,
   * so each answer costs one `inc()` (the fast path's speed is the point of it).
   */
  servedOutsideNest(method: string, route: string): ServedAnswer {
    const children = new Map<number, { inc(): void }>();
    return (statusCode) => {
      let child = children.get(statusCode);
      if (!child) {
        child = this.requests.labels(method, route, String(statusCode));
        children.set(statusCode, child);
      }
      child.inc();
    };
  }
}

/** The app's HttpRequestMetrics, or undefined in an app built without MetricsModule (a test of one module). */
export function httpRequestMetricsOf(app: INestApplication): HttpRequestMetrics | undefined {
  try {
    return app.get(HttpRequestMetrics, { strict: false });
  } catch {
    return undefined;
  }
}

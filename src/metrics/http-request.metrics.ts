import type { IncomingMessage, ServerResponse } from 'node:http';
import { INestApplication, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
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
  /** Answers counted outside Nest since the last scrape, added to the counter when it is read. */
  private readonly tallies: ServedTally[] = [];

  constructor(registry: Registry) {
    const tallies = this.tallies;
    this.requests = new Counter({
      name: 'coordinator_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
      collect() {
        for (const tally of tallies) {
          if (tally.count > 0) this.inc(tally.labels, tally.count);
          tally.count = 0;
        }
      },
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
   * Counts the answers of one route served before Nest sees it. Each answer adds 1 to a plain
   * number (nanoseconds, where prom-client's `inc()` hashes and validates its labels: about 1 us,
   * 1% of a fast-path answer); the counter adds the tallies when it is scraped.
   */
  servedOutsideNest(method: string, route: string): ServedAnswer {
    const byStatus = new Map<number, ServedTally>();
    return (statusCode) => {
      let tally = byStatus.get(statusCode);
      if (!tally) {
        tally = { labels: { method, route, status: String(statusCode) }, count: 0 };
        byStatus.set(statusCode, tally);
        this.tallies.push(tally);
      }
      tally.count++;
    };
  }
}

/** One route and status answered outside Nest, and its answers since the last scrape. */
interface ServedTally {
  labels: { method: string; route: string; status: string };
  count: number;
}

/** The app's HttpRequestMetrics, or undefined in an app built without MetricsModule (a test of one module, a benchmark). */
export function httpRequestMetricsOf(app: INestApplication): HttpRequestMetrics | undefined {
  // Looked up through ModuleRef: `app.get` of a missing provider would end the process (abortOnError).
  try {
    return app.get(ModuleRef).get(HttpRequestMetrics, { strict: false });
  } catch {
    return undefined;
  }
}

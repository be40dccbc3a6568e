import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { INestApplication, Logger } from '@nestjs/common';
import { presentsKey } from '../../auth/caller';
import { RateLimitRefusal, RateLimits } from '../../http/rate-limits/rate-limits';
import { hasRequestBody } from '../../http/request-body';
import { wantsCsv } from '../csv/csv-request';
import { httpRequestMetricsOf } from '../../metrics/http-request.metrics';
import { ifNoneMatchHits } from './if-none-match';
import { CachedJsonResponse, LEADERBOARD_AGE_HEADER, LeaderboardResponseCache } from './leaderboard-response-cache';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const ROUTES: Record<string, 'seed' | 'view'> = {
  '/reports/leaderboard': 'seed',
  '/reports/leaderboard/view': 'view',
};

/**
 * Serves the leaderboard's prepared bytes before Express and Nest's pipeline see the request:
 * it is the most requested route and its answer only changes when a leaderboard is stored, so
 * the framework's per-request work was most of its cost (measured: 8,240 req/s against 31,214 for
 * a bare node:http server with the same bytes). Same status, headers and body as the controller
 * (which still serves HEAD, cross-origin requests when CORS is on, a GET with a body, which it
 * refuses, and any request this skips).
 *
 * It counts the requests it answers against the rate limits of every route (RateLimits, the
 * throttler's own storage), one Map lookup each; a request with an API key header is left to
 * Nest, where the key is checked and counted against its own limit (so is a request handed to
 * the controller after a cache error, which then counts twice: rare, and on the safe side).
 */
export function installLeaderboardFastPath(app: INestApplication, opts: { cors: boolean }): void {
  const server = app.getHttpServer() as Server;
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) return; // not the plain Express setup this knows how to wrap
  const framework = listeners[0];
  const cache = app.get(LeaderboardResponseCache);
  const logger = new Logger('LeaderboardFastPath');
  // Counted under the controller's route templates; a tally per route, so an answer costs nanoseconds.
  const metrics = httpRequestMetricsOf(app);
  const served = { seed: metrics?.servedOutsideNest('GET', '/reports/leaderboard'), view: metrics?.servedOutsideNest('GET', '/reports/leaderboard/view') };
  const limits = rateLimitsOf(app);

  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const name = req.method === 'GET' && !(opts.cors && req.headers.origin) && !hasRequestBody(req) ? ROUTES[pathOf(req.url)] : undefined;
    // CSV (and a bad ?format=, answered 400) is the controller's: these bytes are JSON. A request
    // with a key goes to Nest, which counts it against its key.
    if (!name || wantsCsvSafely(req) || (limits && presentsKey(req.headers))) return framework(req, res);
    const refusal = limits?.admit(req);
    if (refusal) {
      refuse(res, refusal);
      served[name]?.(429);
      return;
    }
    cache.get(name).then(
      (cached) => {
        send(req, res, cached);
        served[name]?.(res.statusCode);
      },
      (err) => {
        logger.debug?.(`falling back to the controller: ${(err as Error).message}`);
        framework(req, res);
      },
    );
  });
}

function wantsCsvSafely(req: IncomingMessage): boolean {
  try {
    return wantsCsv(req);
  } catch {
    return true;
  }
}

/** The app's rate limits; an app built without AccessModule has no limit on any route, nor here. */
function rateLimitsOf(app: INestApplication): RateLimits | undefined {
  try {
    return app.get(RateLimits, { strict: false });
  } catch {
    return undefined;
  }
}

function refuse(res: ServerResponse, refusal: RateLimitRefusal): void {
  const body = JSON.stringify(refusal.body);
  res.statusCode = 429;
  res.setHeader('Retry-After', refusal.retryAfterSeconds);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function pathOf(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function send(req: IncomingMessage, res: ServerResponse, cached: CachedJsonResponse): void {
  res.setHeader('ETag', cached.etag);
  res.setHeader('Cache-Control', 'no-cache');
  if (cached.ageSeconds !== undefined) res.setHeader(LEADERBOARD_AGE_HEADER, cached.ageSeconds);
  if (ifNoneMatchHits(req.headers['if-none-match'], cached.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', cached.body.length);
  res.statusCode = 200;
  res.end(cached.body);
}

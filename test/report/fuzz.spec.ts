import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { Logger } from '@nestjs/common';
import { describeEachEngine } from '../support/test-database';
import { ReportSeed } from './support/report-seed';
import { demoCompetition, ReportTestApp, startReportApp } from './support/report-test-app';
import { seededRandom } from '../../src/cli/check/seeded-random';

/**
 * Thousands of random and hostile query strings against every report route, then every method
 * with hostile bodies and encodings: none may cause a 5xx or an error log, and each query must
 * be answered within TIME_BOUND_MS. Deterministic (seeded); set REPORT_FUZZ_SEED /
 * REPORT_FUZZ_REQUESTS to explore further.
 */
const SEED = Number(process.env.REPORT_FUZZ_SEED ?? 20250101);
const REQUESTS = Number(process.env.REPORT_FUZZ_REQUESTS ?? 3000);
const TIME_BOUND_MS = 2000;

const ROUTES = [
  '/reports/models',
  '/reports/leaderboard',
  '/reports/leaderboard/view',
  '/reports/models/global',
  '/reports/models/params',
  '/reports/predictions',
  '/reports/models/health',
  '/reports/snapshots',
  '/reports/feeds',
  '/reports/feeds/tail',
  '/reports/schema',
  '/leaderboard/columns',
  '/metrics/widgets',
  '/info',
  '/',
  '/assets/app.js',
];
const PARAMS = ['projectIds', 'start', 'end', 'limit', 'offset', 'cursor', 'model_id', 'since', 'until', 'source', 'subject', 'kind', 'granularity',
  'projectIds[]', 'start[a]', '__proto__', 'constructor', 'prototype', 'toString', 'limit[0]'];
const HOSTILE = [
  "' OR 1=1 --", "'; DROP TABLE predictions; --", '1; SELECT pg_sleep(10)', 'm-1) UNION SELECT * FROM models --', '$1', '::timestamptz',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '{{7*7}}', '${jndi:ldap://x}', '../../../../etc/passwd', '%00', '%', '%zz', '%E0%A4%A',
  '%F0%9F%92%A9', '%ED%A0%80', '%C0%AF', '%u0000', '%0d%0aSet-Cookie:x=1', 'NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x10', '1.5', '9'.repeat(40),
  '-1', '0', '2147483648', '9007199254740993', 'true', 'null', 'undefined', '[]', '{}', '[object Object]', ',,,', ' , ', '',
  '2025-01-01', '2025-01-01T00:00:00Z', '2025-13-01T00:00:00Z', '2025-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z',
  '2025-01-01T00:00:00+99:99', '2025-01-01T24:00:00Z', '2025-W01-1', '2025-001', '1735689600', '2025-01-01T00:00:00.000000000000Z', 'yesterday',
  'ZW1wdHk', 'MjAyNS0wMS0wMVQwMDowMDowMC4wMDAwMDBafDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA',
  '𝕏', 'é', 'Ω≈ç√', '\u202e', '\ufeff', '日本語', 'm-alpha', 'm-alpha,m-beta',
];

function randomValue(rand: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  switch (Math.floor(rand() * 6)) {
    case 0:
      // Raw, malformed percent-encoding kept on purpose; only what HTTP cannot carry is escaped.
      return pick(HOSTILE).replace(/[^\x21-\x7e]|#/gu, (c) => encodeURIComponent(c.replace(/[\ud800-\udfff]/g, '?')));
    case 1:
      return encodeURIComponent(pick(HOSTILE));
    case 2:
      return encodeURIComponent(pick(HOSTILE).repeat(1 + Math.floor(rand() * 200))).slice(0, 6000);
    case 3:
      return String(Math.floor((rand() - 0.3) * 10 ** Math.floor(rand() * 20)));
    case 4: {
      const t = Date.UTC(2024, 0, 1) + Math.floor(rand() * 3e10 - 1e10);
      return encodeURIComponent(Number.isFinite(t) ? new Date(t).toISOString() : 'x');
    }
    default:
      return Array.from({ length: Math.floor(rand() * 30) }, () => String.fromCharCode(Math.floor(rand() * 0x3000)))
        .map((c) => encodeURIComponent(c.replace(/[\ud800-\udfff]/g, '?')))
        .join('');
  }
}

function randomPath(rand: () => number): string {
  const route = ROUTES[Math.floor(rand() * ROUTES.length)];
  const count = Math.floor(rand() * 7);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = PARAMS[Math.floor(rand() * PARAMS.length)];
    const repeats = rand() < 0.15 ? 2 + Math.floor(rand() * 3) : 1;
    for (let r = 0; r < repeats; r++) parts.push(`${rand() < 0.05 ? encodeURIComponent(randomValue(rand)) : name}=${randomValue(rand)}`);
  }
  return parts.length ? `${route}?${parts.join('&')}` : route;
}

function request(baseUrl: string, path: string, headers: Record<string, string>): Promise<{ status: number; ms: number }> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method: 'GET', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.setTimeout(TIME_BOUND_MS * 5, () => req.destroy(new Error(`no answer to ${path.slice(0, 200)}`)));
    req.end();
  });
}

/** One request with any method, headers and body; `chunks` are sent with Transfer-Encoding: chunked. */
function send(
  baseUrl: string,
  opts: { method: string; path: string; headers?: Record<string, string>; body?: Buffer; chunks?: Buffer[] },
): Promise<{ status: number; body: string }> {
  const url = new URL(baseUrl);
  const headers = { ...opts.headers, ...(opts.body ? { 'Content-Length': String(opts.body.length) } : {}) };
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: opts.path, method: opts.method, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(TIME_BOUND_MS * 5, () => req.destroy(new Error(`no answer to ${opts.method} ${opts.path}`)));
    if (opts.body) req.write(opts.body);
    for (const chunk of opts.chunks ?? []) req.write(chunk);
    req.end();
  });
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
/** Over body-parser's 100 KB JSON limit (the 200 KB body). */
const OVERSIZED_JSON = Buffer.from(JSON.stringify({ padding: 'x'.repeat(200 * 1024) }));
/** Small on the wire, 2 MB once inflated. */
const GZIP_BOMB = zlib.gzipSync(Buffer.from(`{"padding":"${' '.repeat(2 * 1024 * 1024)}"}`));

const BODIES: Record<string, { headers: Record<string, string>; body: Buffer }> = {
  'small JSON': { headers: JSON_TYPE, body: Buffer.from('{"model_id":"m-alpha"}') },
  'malformed JSON': { headers: JSON_TYPE, body: Buffer.from('{"model_id": m-alpha,,') },
  'oversized JSON': { headers: JSON_TYPE, body: OVERSIZED_JSON },
  'JSON in an unknown charset': { headers: { 'Content-Type': 'application/json; charset=klingon' }, body: Buffer.from('{}') },
  'JSON in UTF-16': { headers: { 'Content-Type': 'application/json; charset=utf-16' }, body: Buffer.from('{}', 'utf16le') },
  'a form': { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from('a[b][c][d][e][f][g]=1&' + 'x=1&'.repeat(2000)) },
  'text': { headers: { 'Content-Type': 'text/plain' }, body: Buffer.from('hello') },
  'a typeless body': { headers: {}, body: Buffer.from('\x00\xff') },
};
const ENCODINGS: Record<string, (body: Buffer) => { headers: Record<string, string>; body: Buffer }> = {
  identity: (body) => ({ headers: {}, body }),
  gzip: (body) => ({ headers: { 'Content-Encoding': 'gzip' }, body: zlib.gzipSync(body) }),
  'bad gzip': (body) => ({ headers: { 'Content-Encoding': 'gzip' }, body }),
  'bad deflate': (body) => ({ headers: { 'Content-Encoding': 'deflate' }, body }),
  'unknown encoding': (body) => ({ headers: { 'Content-Encoding': 'x-klingon' }, body }),
};
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
// The layout editing routes take JSON bodies: hostile ones must answer 4xx there too.
const BODY_ROUTES = ['/reports/models', '/reports/leaderboard', '/reports/predictions?projectIds=m-alpha', '/info', '/leaderboard/columns', '/metrics/widgets/3', '/no-such-route'];

/** Spies on every Nest logger's error and warn lines (the filter's and Nest's own ExceptionsHandler). */
function captureLogs(): { errors: () => string[]; warnings: () => string[] } {
  const error = jest.spyOn(Logger.prototype, 'error');
  const warn = jest.spyOn(Logger.prototype, 'warn');
  const lines = (spy: jest.SpyInstance) => spy.mock.calls.map((args: unknown[]) => args.map(String).join(' '));
  return { errors: () => lines(error), warnings: () => lines(warn) };
}

describeEachEngine('report API fuzz', (db) => {
  let t: ReportTestApp;

  beforeAll(async () => {
    const competition = demoCompetition();
    const seed = new ReportSeed(db().dataSource, competition);
    await seed.competition();
    await seed.model({ id: 'm-alpha' });
    await seed.model({ id: 'm-beta' });
    await seed.leaderboard('2025-01-01T00:00:00Z', [{ rank: 1, model_id: 'm-alpha' }, { rank: 2, model_id: 'm-beta' }]);
    await seed.snapshot({ modelId: 'm-alpha', at: '2025-01-01T00:00:00Z', recent: 1, params: [{ param: 'BTC-120-30', windows: { recent: { value: 1 } } }] });
    await seed.prediction({ modelId: 'm-alpha', performedAt: '2025-01-01T00:00:00Z', score: 1, scoreSuccess: true, scoredAt: '2025-01-01T00:05:00Z' });
    await seed.feedRecord({ subject: 'BTC', ts: '2025-01-01T00:00:00Z', values: { price: 1 } });
    t = await startReportApp(db().dataSource, { competition });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it(`answers ${REQUESTS} random and hostile queries without a 5xx, each within ${TIME_BOUND_MS} ms (seed ${SEED})`, async () => {
    const rand = seededRandom(SEED);
    const paths = Array.from({ length: REQUESTS }, () => randomPath(rand));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let slowest = 0;
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const path = paths[next++];
        const headers: Record<string, string> = rand() < 0.1 ? { 'If-None-Match': randomValue(rand).slice(0, 500) || '*' } : {};
        const { status, ms } = await request(t.url, path, headers);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        slowest = Math.max(slowest, ms);
        if (status >= 500 || status === 0) failures.push(`${status} ${path.slice(0, 300)}`);
        if (ms > TIME_BOUND_MS) failures.push(`${Math.round(ms)} ms ${path.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(failures.slice(0, 20)).toEqual([]);
    // The fuzzer must exercise both answers: accepted and rejected queries.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(REQUESTS / 5);
    expect(slowest).toBeLessThan(TIME_BOUND_MS);
  }, 300_000);

  it.each([
    ['a NUL byte in a model id', '/reports/models/global?projectIds=m%00x&start=2025-01-01T00:00:00Z&end=2025-01-02T00:00:00Z'],
    ['a lone surrogate in a source', '/reports/feeds/tail?source=%ED%A0%80'],
    ['a nested parameter', '/reports/snapshots?model_id[a]=1&since[]=x'],
    ['an offset far past the end', '/reports/models?offset=1000000'],
    ['a far-future range', '/reports/models/global?projectIds=m&start=9999-12-31T00:00:00Z&end=9999-12-31T23:59:59Z'],
    ['a far-past range', '/reports/predictions?projectIds=m&start=0001-01-01T00:00:00Z&end=0001-01-02T00:00:00Z'],
  ])('never fails with a server error on %s', async (_name, path) => {
    const { status } = await request(t.url, path, {});
    expect(status).toBeLessThan(500);
  });

  describe('methods, bodies and encodings', () => {
    let logs: ReturnType<typeof captureLogs>;
    beforeEach(() => {
      logs = captureLogs();
    });
    afterEach(() => {
      const errors = logs.errors();
      const warnings = logs.warnings();
      jest.restoreAllMocks();
      // Client errors may leave a warn line each, never an error line or a stack trace.
      expect(errors).toEqual([]);
      expect(warnings.filter((line) => /\n\s+at /.test(line))).toEqual([]);
    });

    it.each([
      ['an oversized JSON body', 413, { method: 'POST', path: '/reports/models', headers: JSON_TYPE, body: OVERSIZED_JSON }],
      ['a gzip body that inflates past the limit', 413, { method: 'POST', path: '/reports/models', headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, body: GZIP_BOMB }],
      ['an unknown charset', 415, { method: 'POST', path: '/reports/models', headers: { 'Content-Type': 'application/json; charset=klingon' }, body: Buffer.from('{}') }],
      ['a body that is not the gzip it claims', 400, { method: 'POST', path: '/reports/models', headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, body: Buffer.from('{"a":1}') }],
      ['an unknown Content-Encoding', 415, { method: 'PUT', path: '/reports/models', headers: { ...JSON_TYPE, 'Content-Encoding': 'x-klingon' }, body: Buffer.from('{}') }],
      ['malformed JSON', 400, { method: 'PATCH', path: '/reports/models', headers: JSON_TYPE, body: Buffer.from('{"a":') }],
      ['a body on a GET', 400, { method: 'GET', path: '/reports/models', headers: JSON_TYPE, body: Buffer.from('{}') }],
      ['an oversized body on a GET', 400, { method: 'GET', path: '/reports/models', headers: JSON_TYPE, body: OVERSIZED_JSON }],
      ['a chunked body on a GET', 400, { method: 'GET', path: '/reports/models', headers: { ...JSON_TYPE, 'Transfer-Encoding': 'chunked' }, chunks: [Buffer.from('{"a"'), Buffer.from(':1}')] }],
      ['a body on a GET of the leaderboard (served before Express)', 400, { method: 'GET', path: '/reports/leaderboard', headers: JSON_TYPE, body: Buffer.from('{}') }],
      ['a body on a HEAD', 400, { method: 'HEAD', path: '/reports/models', headers: JSON_TYPE, body: Buffer.from('{}') }],
      ['a PUT on a report route', 404, { method: 'PUT', path: '/reports/models' }],
      ['a DELETE on a report route', 404, { method: 'DELETE', path: '/reports/leaderboard' }],
      ['a PATCH on a report route', 404, { method: 'PATCH', path: '/reports/snapshots' }],
      ['an OPTIONS on a report route', 404, { method: 'OPTIONS', path: '/reports/models' }],
      ['a POST with a small JSON body on a report route', 404, { method: 'POST', path: '/reports/models', headers: JSON_TYPE, body: Buffer.from('{"a":1}') }],
      ['a GET with Content-Length 0', 200, { method: 'GET', path: '/reports/models', headers: { 'Content-Length': '0' } }],
      ['a GET of the leaderboard with Content-Length 0', 200, { method: 'GET', path: '/reports/leaderboard', headers: { 'Content-Length': '0' } }],
    ])('answers %s with %i', async (_name, expected, opts) => {
      const res = await send(t.url, opts);
      expect(res.status).toBe(expected);
      if (expected >= 400 && opts.method !== 'HEAD') {
        // The API's error body: {statusCode, error, message}, short and without a trace.
        expect(JSON.parse(res.body)).toEqual({ statusCode: expected, error: http.STATUS_CODES[expected], message: expect.any(String) });
        expect(res.body.length).toBeLessThan(400);
      }
    });

    it('answers every method x body x encoding x route without a 5xx, refusing any body on GET and HEAD', async () => {
      const cases: { method: string; path: string; headers: Record<string, string>; body?: Buffer }[] = [];
      for (const method of METHODS) {
        for (const path of BODY_ROUTES) {
          cases.push({ method, path, headers: {} });
          for (const { headers, body } of Object.values(BODIES)) {
            for (const encode of Object.values(ENCODINGS)) {
              const encoded = encode(body);
              cases.push({ method, path, headers: { ...headers, ...encoded.headers }, body: encoded.body });
            }
          }
        }
      }
      const failures: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < cases.length) {
          const c = cases[next++];
          const { status } = await send(t.url, c);
          const label = `${status} ${c.method} ${c.path} ${JSON.stringify(c.headers)} ${c.body?.length ?? 0} bytes`;
          if (status >= 500 || status < 200) failures.push(label);
          if ((c.method === 'GET' || c.method === 'HEAD') && c.body && status !== 400) failures.push(`expected 400: ${label}`);
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      expect(cases.length).toBeGreaterThan(1000);
      expect(failures.slice(0, 20)).toEqual([]);
    }, 120_000);
  });
});

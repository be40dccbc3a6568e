import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ACCESS_TIER_EXTENSION, API_KEY_SCHEME, BEARER_SCHEME } from '../../src/auth/access-tier';
import { AppProcess, buildApp, freePort, startApp, waitFor200 } from '../support/app-process';
import { TEST_ADMIN_SECRET, TEST_API_KEYS, TEST_READ_SECRET } from '../support/api-keys';

/**
 * Every operation the OpenAPI document marks as protected, checked against the built app (report
 * role, so every HTTP route it serves is there): it names both security schemes and its tier,
 * and answers 401 without a key and with a wrong one, 403 to a read key when it is admin-tier,
 * passes the access check with a key of its tier, and answers 429 with Retry-After past the
 * rate limit. It walks the document, so routes added with @RequireTier are covered as they land.
 */
const IP_LIMIT = 8;
const KEY_LIMIT = 200;
const LIMITED_SECRET = 'test-limited-secret-0123456789';
const WRONG_SECRET = 'not-a-configured-secret-42';
const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');

interface Operation {
  method: string;
  path: string;
  tier: string | undefined;
  security: Array<Record<string, string[]>> | undefined;
  responses: Record<string, unknown>;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-protected-routes-'));
let app: AppProcess;
let base: string;
let operations: Operation[] = [];
let client = 0;

beforeAll(async () => {
  buildApp();
  const port = await freePort();
  app = startApp(
    {
      ROLES: 'report',
      DATA_DIR: path.join(work, 'data'),
      LOG_LEVEL: 'trace',
      API_KEYS: `${TEST_API_KEYS},limited:read:${sha256(LIMITED_SECRET)}`,
      RATE_LIMIT_IP_PER_MINUTE: String(IP_LIMIT),
      RATE_LIMIT_KEY_PER_MINUTE: String(KEY_LIMIT),
      // Each operation is called from a client of its own (X-Forwarded-For), so each gets its own count.
      TRUST_PROXY_HOPS: '1',
    },
    port,
  );
  base = `http://127.0.0.1:${port}`;
  await waitFor200(`${base}/healthz`, 60_000, app);
  const document = (await (await fetch(`${base}/docs-json`)).json()) as { paths: Record<string, Record<string, Record<string, unknown>>> };
  for (const [route, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      operations.push({ method: method.toUpperCase(), path: route, tier: op[ACCESS_TIER_EXTENSION] as string | undefined, security: op.security as Operation['security'], responses: (op.responses ?? {}) as Record<string, unknown> });
    }
  }
}, 240_000);

afterAll(async () => {
  await app?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const protectedOps = () => operations.filter((op) => op.security?.length);

/** A request to `op` with its path parameters filled in and, for methods with a body, an empty JSON object. */
function call(op: Operation, ip: string, headers: Record<string, string> = {}): Promise<Response> {
  const url = base + op.path.replace(/\{[^}]+\}/g, '1');
  const withBody = !['GET', 'HEAD', 'DELETE'].includes(op.method);
  return fetch(url, {
    method: op.method,
    headers: { 'X-Forwarded-For': ip, ...(withBody ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: withBody ? '{}' : undefined,
  });
}

async function errorOf(res: Response): Promise<{ status: number; body: { statusCode: number; error: string; message: string } }> {
  return { status: res.status, body: (await res.json()) as { statusCode: number; error: string; message: string } };
}

/** The access checks let the request through: whatever the route answers then, it is not an access refusal. */
function passedAccess(res: Response): boolean {
  return ![401, 403, 429].includes(res.status);
}

describe('every protected operation of the OpenAPI document', () => {
  it('includes the layout editing routes and the admin routes, and every /admin route is protected', () => {
    const names = protectedOps().map((op) => `${op.method} ${op.path}`);
    expect(names).toEqual(expect.arrayContaining(['POST /leaderboard/columns', 'DELETE /metrics/widgets/{id}', 'GET /admin/actions']));
    expect(operations.filter((op) => op.path.startsWith('/admin') && !op.security?.length)).toEqual([]);
    // The web app reads the layout without a key.
    expect(operations.filter((op) => op.path === '/leaderboard/columns' && op.method === 'GET').map((op) => op.security ?? [])).toEqual([[]]);
  });

  it('names both security schemes and its tier, and documents its 401, 403 and 429 answers', () => {
    for (const op of protectedOps()) {
      expect([op.method, op.path, Object.keys(op.responses)]).toEqual([op.method, op.path, expect.arrayContaining(['401', '403', '429'])]);
      expect([op.method, op.path, op.security]).toEqual([op.method, op.path, expect.arrayContaining([{ [API_KEY_SCHEME]: [] }, { [BEARER_SCHEME]: [] }])]);
      expect([op.method, op.path, op.tier]).toEqual([op.method, op.path, expect.stringMatching(/^(read|admin)$/)]);
    }
  });

  it('answers 401 without a key and with a wrong one, 403 to a read key below its tier, lets its tier through, and 429 with Retry-After past the limit', async () => {
    for (const op of protectedOps()) {
      const name = `${op.method} ${op.path}`;
      const ip = `198.51.100.${++client}`;

      const missing = await call(op, ip);
      expect([name, missing.headers.get('www-authenticate')]).toEqual([name, expect.stringMatching(/^Bearer/)]);
      expect([name, await errorOf(missing)]).toEqual([name, { status: 401, body: { statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('API key') } }]);
      const wrongKeys: Array<Record<string, string>> = [{ 'X-API-Key': WRONG_SECRET }, { Authorization: `Bearer ${WRONG_SECRET}` }];
      for (const wrong of wrongKeys) {
        expect([name, await errorOf(await call(op, ip, wrong))]).toEqual([name, { status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'unknown API key' } }]);
      }

      const reader = await call(op, ip, { 'X-API-Key': TEST_READ_SECRET });
      if (op.tier === 'admin') {
        expect([name, await errorOf(reader)]).toEqual([name, { status: 403, body: { statusCode: 403, error: 'Forbidden', message: expect.stringContaining('admin') } }]);
      } else {
        expect([name, reader.status, passedAccess(reader)]).toEqual([name, reader.status, true]);
      }
      const admin = await call(op, ip, { Authorization: `Bearer ${TEST_ADMIN_SECRET}` });
      expect([name, admin.status, passedAccess(admin)]).toEqual([name, admin.status, true]);

      // Three requests of this client counted so far (the keyed ones count against their keys).
      const statuses: number[] = [];
      for (let i = 3; i < IP_LIMIT; i++) statuses.push((await call(op, ip)).status);
      expect([name, statuses]).toEqual([name, Array(IP_LIMIT - 3).fill(401)]);
      const refused = await call(op, ip);
      expect([name, refused.status]).toEqual([name, 429]);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect([name, retryAfter >= 1 && retryAfter <= 60]).toEqual([name, true]);
      expect([name, (await errorOf(refused)).body.error]).toEqual([name, 'Too Many Requests']);
    }
  }, 120_000);

  it('answers 429 with Retry-After to a key past its own limit, on any route', async () => {
    const statuses: number[] = [];
    const headers = { 'X-API-Key': LIMITED_SECRET };
    for (let i = 0; i < KEY_LIMIT; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => fetch(`${base}/healthz`, { headers: { ...headers, 'X-Forwarded-For': `192.0.2.${(i + j) % 250}` } })));
      statuses.push(...batch.map((res) => res.status));
    }
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    const refused = await fetch(`${base}/healthz`, { headers: { ...headers, 'X-Forwarded-For': '192.0.2.251' } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { message: string }).message).toContain(`more than ${KEY_LIMIT} requests a minute from this API key`);
  }, 60_000);

  it('never writes a secret to the logs', () => {
    const logs = app.output();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [TEST_ADMIN_SECRET, TEST_READ_SECRET, LIMITED_SECRET, WRONG_SECRET]) expect(logs).not.toContain(secret);
  });
});

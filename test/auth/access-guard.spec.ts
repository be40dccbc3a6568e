import type { AddressInfo } from 'node:net';
import { Controller, Get, INestApplication, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CallerKey, RequireTier } from '../../src/auth/access-tier';
import { AccessModule } from '../../src/auth/access.module';
import { loadAppConfig } from '../../src/config/app-config';
import type { Env } from '../../src/config/env';
import { configureHttp } from '../../src/http/configure-http';
import { ADMIN_HEADERS, READ_HEADERS, TEST_ADMIN_SECRET, TEST_API_KEYS } from '../support/api-keys';

@Controller('public')
class PublicController {
  @Get()
  who(@CallerKey() key: string): { key: string } {
    return { key };
  }
}

@Controller('reading')
class ReadingController {
  @RequireTier('read')
  @Get()
  who(@CallerKey() key: string): { key: string } {
    return { key };
  }
}

@RequireTier('admin')
@Controller('acting')
class ActingController {
  @Post()
  who(@CallerKey() key: string): { key: string } {
    return { key };
  }
}

/** The access guard on routes of each kind, in an app of its own (no database needed). */
async function startApp(env: Env): Promise<{ app: INestApplication; url: string }> {
  const config = loadAppConfig({ RATE_LIMIT_IP_PER_MINUTE: '0', RATE_LIMIT_KEY_PER_MINUTE: '0', ...env });
  const moduleRef = await Test.createTestingModule({ imports: [AccessModule.forRoot(config)], controllers: [PublicController, ReadingController, ActingController] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureHttp(app);
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

async function answer(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the access guard', () => {
  let t: { app: INestApplication; url: string };
  beforeAll(async () => {
    t = await startApp({ API_KEYS: TEST_API_KEYS });
  });
  afterAll(async () => {
    await t?.app.close();
  });

  it('leaves a route without @RequireTier public, where the caller stays anonymous', async () => {
    expect(await answer(`${t.url}/public`)).toEqual({ status: 200, body: { key: 'anonymous' } });
    expect(await answer(`${t.url}/public`, { headers: { 'X-API-Key': 'not a key' } })).toEqual({ status: 200, body: { key: 'anonymous' } });
  });

  it('lets a read route through with a key of either tier, giving @CallerKey its id', async () => {
    expect(await answer(`${t.url}/reading`, { headers: READ_HEADERS })).toEqual({ status: 200, body: { key: 'test-read' } });
    expect(await answer(`${t.url}/reading`, { headers: { Authorization: `Bearer ${TEST_ADMIN_SECRET}` } })).toEqual({ status: 200, body: { key: 'test-admin' } });
  });

  it('answers 401 without a key, naming both headers', async () => {
    expect(await answer(`${t.url}/reading`)).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'this route needs a read API key: send it as X-API-Key or Authorization: Bearer' },
    });
  });

  it('answers 403 to a read key on an admin route (the tier on the controller), naming the key and its tier', async () => {
    expect(await answer(`${t.url}/acting`, { method: 'POST', headers: READ_HEADERS })).toEqual({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'this route needs an admin key; key "test-read" is read tier' },
    });
    expect(await answer(`${t.url}/acting`, { method: 'POST', headers: ADMIN_HEADERS })).toEqual({ status: 201, body: { key: 'test-admin' } });
  });
});

describe('the access guard with no keys configured', () => {
  it('answers 401 on every protected route, naming the variables to set, and keeps public routes public', async () => {
    const t = await startApp({});
    try {
      const message = 'no API keys are configured on this coordinator: set API_KEYS_FILE or API_KEYS';
      expect(await answer(`${t.url}/reading`, { headers: READ_HEADERS })).toEqual({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message } });
      expect(await answer(`${t.url}/acting`, { method: 'POST' })).toEqual({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message } });
      expect((await answer(`${t.url}/public`)).status).toBe(200);
    } finally {
      await t.app.close();
    }
  });
});

import { BadRequestException, Controller, Get, INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { clientError } from '../../src/http/client-error';
import { HttpErrorFilter } from '../../src/http/http-error.filter';

/** What body-parser raises for a body over its limit (an `http-errors` error). */
function tooLarge(): Error {
  return Object.assign(new Error('request entity too large'), { status: 413, statusCode: 413, expose: true, type: 'entity.too.large' });
}

@Controller('probe')
class ProbeController {
  @Get('down')
  down(): never {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }

  @Get('bug')
  bug(): never {
    throw new Error('SELECT secret FROM users -- internal detail');
  }

  @Get('bad')
  bad(): never {
    throw new BadRequestException({ statusCode: 400, message: 'start: not an ISO date' });
  }

  @Get('too-large')
  large(): never {
    throw tooLarge();
  }

  @Get('upstream-404')
  upstream(): never {
    // A failed outbound call carrying its peer's status is our failure, not the client's.
    throw Object.assign(new Error('GET http://peer/x: 404 secret-host'), { status: 404 });
  }
}

describe('HttpErrorFilter', () => {
  let app: INestApplication;
  let base: string;
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new HttpErrorFilter());
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app.close());
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn');
    error = jest.spyOn(Logger.prototype, 'error');
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers 503 with Retry-After when the database is unreachable', async () => {
    const res = await fetch(`${base}/probe/down`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ message: 'database unavailable, retry shortly' });
  });

  it('answers a bare 500 for other errors, without their message', async () => {
    const res = await fetch(`${base}/probe/bug`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret');
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('keeps 400s as the controller shaped them', async () => {
    const res = await fetch(`${base}/probe/bad`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ statusCode: 400, message: 'start: not an ISO date' });
  });

  it('answers a client error raised before the controller with its 4xx and one warn line without a stack', async () => {
    const res = await fetch(`${base}/probe/too-large`);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'request entity too large' });
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0].join(' ')).toBe('GET /probe/too-large: 413 request entity too large');
  });

  it('answers a 500 for an error carrying a 4xx status it does not mark as safe to show', async () => {
    const res = await fetch(`${base}/probe/upstream-404`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret-host');
  });
});

describe('clientError', () => {
  it('reads the status, reason phrase and message of an http-errors error', () => {
    expect(clientError(tooLarge())).toEqual({ status: 413, error: 'Payload Too Large', message: 'request entity too large' });
    expect(clientError(Object.assign(new Error('unsupported charset "KLINGON"'), { statusCode: 415, expose: true }))).toEqual({
      status: 415,
      error: 'Unsupported Media Type',
      message: 'unsupported charset "KLINGON"',
    });
  });

  it('cuts a long message to 200 characters', () => {
    expect(clientError(Object.assign(new Error('x'.repeat(5000)), { status: 400, expose: true }))?.message).toHaveLength(200);
  });

  it('is undefined for server errors, unexposed errors and non-errors', () => {
    expect(clientError(Object.assign(new Error('boom'), { status: 500, expose: false }))).toBeUndefined();
    expect(clientError(Object.assign(new Error('boom'), { status: 503, expose: true }))).toBeUndefined();
    expect(clientError(Object.assign(new Error('peer said 404'), { status: 404 }))).toBeUndefined();
    expect(clientError(Object.assign(new Error('odd'), { status: '413', expose: true }))).toBeUndefined();
    expect(clientError(null)).toBeUndefined();
    expect(clientError('413')).toBeUndefined();
  });
});

import { BadRequestException, Controller, Get, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HttpErrorFilter } from '../../src/http/http-error.filter';

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
}

describe('HttpErrorFilter', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new HttpErrorFilter());
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app.close());

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
  });

  it('keeps 400s as the controller shaped them', async () => {
    const res = await fetch(`${base}/probe/bad`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ statusCode: 400, message: 'start: not an ISO date' });
  });
});

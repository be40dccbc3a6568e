import type { Response } from 'express';
import { HealthController } from '../../src/health/health.controller';
import { HealthRegistry } from '../../src/health/health.registry';

function fakeResponse(): Response & { statusCode: number } {
  const res = { statusCode: 200, status(code: number) { res.statusCode = code; return res; }, setHeader() { return res; } };
  return res as unknown as Response & { statusCode: number };
}

describe('/healthz', () => {
  it('answers 503 starting while the pipeline starts (the port is bound before it), then the checks', async () => {
    const registry = new HealthRegistry();
    registry.register('database', () => ({ status: 'up' }));
    const controller = new HealthController(registry);
    registry.starting = true;
    const during = fakeResponse();
    expect((await controller.health(during)).status).toBe('starting');
    expect(during.statusCode).toBe(503);
    registry.starting = false;
    const after = fakeResponse();
    expect((await controller.health(after)).status).toBe('ok');
    expect(after.statusCode).toBe(200);
  });

  it('is degraded when a dependency other than the database is not up', async () => {
    const registry = new HealthRegistry();
    registry.register('database', () => ({ status: 'up' }));
    registry.register('orchestrator', () => ({ status: 'degraded', notRunningModels: [{ modelId: '3', entry: null, reason: 'no python' }] }));
    const res = fakeResponse();
    expect(await new HealthController(registry).health(res)).toMatchObject({ status: 'degraded', checks: { orchestrator: { notRunningModels: [{ modelId: '3' }] } } });
    expect(res.statusCode).toBe(200);
  });
});

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Registry } from 'prom-client';
import { HttpRequestMetrics, httpRequestMetricsOf } from '../../src/metrics/http-request.metrics';
import { ModelCallMetrics } from '../../src/metrics/model-call.metrics';
import { parseExposition, valueOf } from './support/exposition';

describe('HttpRequestMetrics', () => {
  it('adds the answers served outside Nest to the counter at each scrape, each answer once', async () => {
    const registry = new Registry();
    const served = new HttpRequestMetrics(registry).servedOutsideNest('GET', '/reports/leaderboard');
    for (let i = 0; i < 5; i++) served(200);
    served(304);
    const first = parseExposition(await registry.metrics());
    expect(valueOf(first, 'coordinator_http_requests_total', { method: 'GET', route: '/reports/leaderboard', status: '200' })).toBe(5);
    expect(valueOf(first, 'coordinator_http_requests_total', { status: '304' })).toBe(1);
    served(200);
    const second = parseExposition(await registry.metrics());
    expect(valueOf(second, 'coordinator_http_requests_total', { status: '200' })).toBe(6);
    expect(valueOf(second, 'coordinator_http_requests_total', { status: '304' })).toBe(1);
  });

  it('is absent, without ending the process, from an app built without MetricsModule', async () => {
    @Module({})
    class BareModule {}
    const app = await NestFactory.create(BareModule, { logger: false }); // abortOnError on, as by default
    try {
      expect(httpRequestMetricsOf(app)).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('ModelCallMetrics', () => {
  it('registers its families on the first call only, so an instance calling no model has none', async () => {
    const registry = new Registry();
    const calls = new ModelCallMetrics(registry);
    expect(await registry.metrics()).toBe('\n');
    const record = calls.recorderFor('predict');
    expect(calls.recorderFor('predict')).toBe(record); // resolved once per method
    record('SUCCESS', 2_000);
    record('TIMEOUT', 5_000_000);
    const text = parseExposition(await registry.metrics());
    expect(valueOf(text, 'coordinator_model_calls_total', { method: 'predict', status: 'SUCCESS' })).toBe(1);
    expect(valueOf(text, 'coordinator_model_calls_total', { method: 'predict', status: 'TIMEOUT' })).toBe(1);
    expect(valueOf(text, 'coordinator_model_call_duration_seconds_sum', { method: 'predict' })).toBeCloseTo(5.002);
    expect(valueOf(text, 'coordinator_model_call_duration_seconds_bucket', { method: 'predict', le: '0.005' })).toBe(1);
  });
});

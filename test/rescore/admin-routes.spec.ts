import type { AddressInfo } from 'node:net';
import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AdminModule } from '../../src/admin/admin.module';
import { VirtualClock } from '../../src/clock/clock';
import { ClockModule } from '../../src/clock/clock.module';
import { loadAppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { configureHttp } from '../../src/http/configure-http';
import { GROUND_TRUTH } from '../../src/score/ground-truth.source';
import { AdminJobRunner } from '../../src/score/rescore/admin-job-runner.service';
import { RescoreModule } from '../../src/score/rescore/rescore.module';
import { PriceTable } from '../score/support/price-table';
import { ADMIN_HEADERS, TEST_API_KEYS } from '../support/api-keys';
import { describeEachEngine } from '../support/test-database';
import { CompetitionRun, HOUR, rescoreCompetition, runCompetition, T0 } from './support/competition-run';

describeEachEngine('admin routes: void and rescore', (db) => {
  let run: CompetitionRun;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const competition = rescoreCompetition();
    run = await runCompetition(db().dataSource, competition, { cycleHours: [1, 2, 3, 4, 5] });
    await run.app.close();
    const config = loadAppConfig({ API_KEYS: TEST_API_KEYS });
    const clock = new VirtualClock(T0 + 5 * HOUR);

    @Global()
    @Module({
      providers: [
        { provide: DataSource, useValue: db().dataSource },
        { provide: GROUND_TRUTH, useValue: new PriceTable(() => clock.nowMs()) },
      ],
      exports: [DataSource, GROUND_TRUTH],
    })
    class TestInfraModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config, competition), ClockModule.forRoot(clock), TestInfraModule, AdminModule, RescoreModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    configureHttp(app);
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { ...ADMIN_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = (path: string) => fetch(`${url}${path}`, { headers: ADMIN_HEADERS });

  it('voids a round, answers a second void as a no-op and an unknown round with 404', async () => {
    const id = run.roundIds.get('BTC-3600-300@1')!;
    const first = await post(`/admin/rounds/${id}/void`, { reason: 'BTC feed froze' });
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body).toMatchObject({ round_id: id, already_void: false, reason: 'BTC feed froze', predictions: 3 });
    expect(body.history_job_id).toEqual(expect.any(String));
    const buckets = await db().dataSource.query(`SELECT count(*)::int AS n FROM score_buckets WHERE param = 'BTC-3600-300' AND bucket_start = $1`, [new Date(T0 + 2 * HOUR)]);
    expect(buckets[0].n).toBe(0);

    const again = await post(`/admin/rounds/${id}/void`, { reason: 'twice' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ round_id: id, already_void: true, reason: 'BTC feed froze', predictions: 0, history_job_id: null });

    const unknown = await post(`/admin/rounds/00000000-0000-4000-8000-000000000000/void`, { reason: 'x' });
    expect(unknown.status).toBe(404);
  });

  it('answers 400 naming the field for a bad round id or reason', async () => {
    const badId = await post(`/admin/rounds/not-a-uuid/void`, { reason: 'x' });
    expect(badId.status).toBe(400);
    expect((await badId.json()).fields).toEqual(['id']);
    for (const body of [{}, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 7 }]) {
      const res = await post(`/admin/rounds/${run.roundIds.get('ETH-3600-300@1')}/void`, body);
      expect(res.status).toBe(400);
      expect((await res.json()).fields).toEqual(['reason']);
    }
  });

  it('starts a rescore (202), shows its progress, refuses a second one with 409 and runs it to the end', async () => {
    const started = await post('/admin/rescore', { from: '2026-01-01T00:00:00Z', to: '2026-01-01T05:00:00Z' });
    expect(started.status).toBe(202);
    const job = await started.json();
    expect(job).toMatchObject({ kind: 'rescore', status: 'queued', parameters: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T05:00:00.000Z' } });
    // The calling key once the API-key guard is in (anonymous before it).
    expect(['test-admin', 'anonymous']).toContain(job.key_id);

    const conflict = await post('/admin/rescore', { from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z' });
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).active_job_id).toBe(job.id);

    expect((await get(`/admin/jobs/${job.id}`)).status).toBe(200);
    const pass = await app.get(AdminJobRunner).runPending();
    expect(pass.jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded']); // the void's history recompute, then the rescore
    const done = await (await get(`/admin/jobs/${job.id}`)).json();
    // The rounds of hours 0..4 of both assets are resolvable by 05:00 and scored; BTC@1 is void.
    expect(done).toMatchObject({ status: 'succeeded', error: null, progress: { phase: 'done', rounds_done: 9, rounds_total: 9, rounds_waiting: 0 } });
    expect(done.started_at).toEqual(expect.any(String));
    expect(done.finished_at).toEqual(expect.any(String));

    const resume = await post(`/admin/jobs/${job.id}/resume`, {});
    expect(resume.status).toBe(409);
    expect((await get('/admin/jobs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('answers 400 naming the field for a bad range, from after to among them', async () => {
    const cases: Array<[unknown, string]> = [
      [{ to: '2026-01-01T00:00:00Z' }, 'from'],
      [{ from: 'yesterday', to: '2026-01-01T00:00:00Z' }, 'from'],
      [{ from: '2026-01-01T00:00:00Z', to: 12 }, 'to'],
      [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/admin/rescore', body);
      expect(res.status).toBe(400);
      expect((await res.json()).fields).toEqual([field]);
    }
    expect((await get('/admin/jobs/nope')).status).toBe(400);
  });

  it('records every action in the audit trail', async () => {
    const actions: Array<{ action: string; outcome: string; key_id: string }> = await (await get('/admin/actions?limit=50')).json();
    const seen = actions.map((a) => `${a.action}:${a.outcome}`);
    expect(seen).toEqual(expect.arrayContaining(['round.void:succeeded', 'round.void:failed', 'rescore.start:succeeded', 'rescore.start:failed', 'job.resume:failed']));
    expect(actions.every((a) => a.key_id === 'test-admin' || a.key_id === 'anonymous')).toBe(true);
  });
});

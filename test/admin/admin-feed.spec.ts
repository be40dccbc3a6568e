import type { DataSource } from 'typeorm';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { VirtualClock } from '../../src/clock/clock';
import { CompetitionModule } from '../../src/competition/competition.module';
import { FeedRecordRepository } from '../../src/data-source/feed-record.repository';
import { describeEachEngine } from '../support/test-database';
import { AdminTestApp, demoCompetition, startAdminApp } from './support/admin-test-app';

const NOW = Date.UTC(2026, 0, 10, 12);
const HOUR = 3_600_000;
const demo = demoCompetition();
// The synthetic feed: 5 s records of BTC, ETH, SOL, XAU, any range up to now (its walk starts near NOW, not two years before).
const competition: CompetitionDefinition = { ...demo, feed: { ...demo.feed, options: { ...demo.feed.options, origin: '2026-01-09T00:00:00Z' } } };
const series = { source: competition.feed.adapter, kind: 'price', granularity: `${competition.feed.granularity}s` };

describeEachEngine('admin feed backfill', (db) => {
  let t: AdminTestApp;
  let ds: DataSource;
  const stored = async (subject: string, fromMs: number, toMs: number) => (await new FeedRecordRepository(ds).range(series, subject, fromMs, toMs)).length;

  beforeAll(async () => {
    ds = db().dataSource;
    t = await startAdminApp(ds, competition, new VirtualClock(NOW), { imports: [CompetitionModule] });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('answers 400 naming the field for a bad time, a reversed or too long range, a future end, an unknown subject or field', async () => {
    const at = (h: number) => new Date(NOW - h * HOUR).toISOString();
    const cases: Array<[unknown, string]> = [
      [{ from: 'yesterday', to: at(1) }, 'from'],
      [{ from: '2026-01-10T10:00:00', to: at(1) }, 'from'], // no time zone
      [{ from: at(1), to: at(2) }, 'to'],
      [{ from: at(8 * 24), to: at(1) }, 'to'],
      [{ from: at(1), to: new Date(NOW + HOUR).toISOString() }, 'to'],
      [{ subject: 'DOGE', from: at(2), to: at(1) }, 'subject'],
      [{ from: at(2), to: at(1), source: 'binance' }, 'source'],
    ];
    for (const [body, field] of cases) {
      const res = await t.send('POST', '/admin/feed/backfill', body);
      expect([JSON.stringify(body), res.status, res.body.fields]).toEqual([JSON.stringify(body), 400, [field]]);
    }
    expect(await stored('BTC', 0, NOW)).toBe(0);
  });

  it('stores the range through the feed adapter and says how many records it stored', async () => {
    const from = NOW - 2 * HOUR;
    const to = from + 10 * 60_000;
    const res = await t.send('POST', '/admin/feed/backfill', { subject: 'BTC', from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ source: 'synthetic', from: new Date(from).toISOString(), to: new Date(to).toISOString(), stored: 121 });
    expect(res.body.subjects).toEqual([{ subject: 'BTC', fetched: 121, skipped: 0, stored: 121 }]); // 10 min of 5 s records, both ends included
    expect(await stored('BTC', from, to)).toBe(121);
    expect(await stored('ETH', 0, NOW)).toBe(0);
  });

  it('is idempotent: a second backfill over an overlapping range stores only the new records', async () => {
    const from = NOW - 2 * HOUR + 5 * 60_000;
    const to = from + 10 * 60_000;
    const res = await t.send('POST', '/admin/feed/backfill', { from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    expect(res.status).toBe(200);
    const bySubject = Object.fromEntries((res.body.subjects as any[]).map((s) => [s.subject, s.stored]));
    expect(bySubject).toEqual({ BTC: 60, ETH: 121, SOL: 121, XAU: 121 }); // BTC's first 5 minutes (61 records) were already stored
    expect(res.body.stored).toBe(60 + 3 * 121);
    expect(await stored('BTC', NOW - 2 * HOUR, to)).toBe(181);
    const again = await t.send('POST', '/admin/feed/backfill', { from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    expect(again.body.stored).toBe(0);
  });

  it('records each backfill, refused ones too, in the audit trail', async () => {
    const actions = (await t.get('/admin/actions?limit=100&action=feed.backfill')).body as any[];
    // Newest first: the three backfills, then the four refused by the action's own checks (subject, future, too long, reversed);
    // the DTO's 400s (bad time, unknown field) never reach the action.
    expect(actions.map((a) => a.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'failed', 'failed', 'failed']);
    expect(actions[2]).toMatchObject({ target: 'BTC', parameters: { subject: 'BTC' }, result: { stored: 121 } });
    expect(actions[3]).toMatchObject({ target: 'DOGE', outcome: 'failed', result: { error: { status: 400 } } });
  });
});

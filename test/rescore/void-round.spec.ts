import { describeEachEngine, createTestDatabase, TestDatabase } from '../support/test-database';
import { RoundNotFoundError } from '../../src/score/rescore/round-void.service';
import { ScoreHistoryService } from '../../src/score/rescore/score-history.service';
import { CompetitionRun, expectSameWindows, HOUR, rescoreCompetition, runCompetition, T0, windowState } from './support/competition-run';

describeEachEngine('voiding a round', (db) => {
  let other: TestDatabase;
  const runs: CompetitionRun[] = [];

  beforeAll(async () => {
    other = await createTestDatabase(db().engine);
  }, 60_000);
  afterEach(async () => {
    for (const run of runs.splice(0)) await run.app.close();
  });
  afterAll(async () => {
    await other?.close();
  }, 60_000);

  it('leaves the windows, snapshots and leaderboards of a run in which the round never happened', async () => {
    const competition = rescoreCompetition();
    const voided = (param: string, h: number) => (param === 'BTC-3600-300' && h === 2) || (param === 'ETH-3600-300' && h === 7);
    // Run A: every round; ETH@7 is voided before it could be scored, BTC@2 long after it was.
    const a = await runCompetition(db().dataSource, competition, {
      beforeCycle: async (h, run) => {
        if (h === 8) expect((await run.app.voids.voidRound(run.roundIds.get('ETH-3600-300@7')!, 'ETH feed froze', 'ops')).historyJobId).toBeNull();
      },
    });
    runs.push(a);
    const outcome = await a.app.voids.voidRound(a.roundIds.get('BTC-3600-300@2')!, 'BTC feed glitch', 'ops');
    expect(outcome).toMatchObject({ alreadyVoid: false, reason: 'BTC feed glitch', predictions: 4 });
    expect(outcome.historyJobId).not.toBeNull();
    expect((await a.app.runner.runPending()).jobs).toEqual([{ id: outcome.historyJobId, status: 'succeeded' }]);
    // Later cycles never score the void rounds either.
    await a.clock.advanceTo(T0 + 11 * HOUR);
    await a.app.cycles.runCycle();

    // Run B: the same, without those two rounds.
    const b = await runCompetition(other.dataSource, competition, { skip: voided, cycleHours: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
    runs.push(b);

    const [actual, expected] = [await windowState(db().dataSource), await windowState(other.dataSource)];
    expect(actual.coverage.find((c) => c.model_id === 'd')).toEqual({ model_id: 'd', param: 'BTC-3600-300', first_bucket_start: new Date(T0 + 5 * HOUR).toISOString() });
    expectSameWindows(actual, expected);

    const rows: Array<{ score_value: number | null; score_success: boolean | null; score_failed_reason: string; scored: boolean }> = await db().dataSource.query(
      `SELECT score_value, score_success, score_failed_reason, scored_at IS NOT NULL AS scored FROM predictions_with_scores WHERE round_id = ANY($1::uuid[])`,
      [[a.roundIds.get('BTC-3600-300@2'), a.roundIds.get('ETH-3600-300@7')]],
    );
    expect(rows).toHaveLength(7);
    for (const r of rows) expect(r).toMatchObject({ score_value: null, score_success: null, scored: true });
    expect(rows.map((r) => r.score_failed_reason).sort()).toEqual([...Array(4).fill('round voided: BTC feed glitch'), ...Array(3).fill('round voided: ETH feed froze')]);
  }, 120_000);

  it('keeps scoring live while the history is recomputed, and ends as a run without the round', async () => {
    const competition = rescoreCompetition();
    const a = await runCompetition(db().dataSource, competition);
    runs.push(a);
    const outcome = await a.app.voids.voidRound(a.roundIds.get('BTC-3600-300@2')!, 'glitch', 'ops');
    const job = (await a.app.jobs.get(competition.id, outcome.historyJobId!))!;
    let live: unknown = 'not run';
    // A scoring cycle runs between two rewritten cycles (the recompute holds the cycle one at a time).
    const history = a.app.module.get(ScoreHistoryService);
    const recompute = history.recompute.bind(history);
    jest.spyOn(history, 'recompute').mockImplementation((span, onCycle) =>
      recompute(span, async (done, total) => {
        if (done === 3) {
          await a.clock.advanceTo(T0 + 11 * HOUR);
          live = await a.app.cycles.runCycle();
        }
        await onCycle?.(done, total);
      }),
    );
    expect((await a.app.runner.runPending()).jobs).toEqual([{ id: job.id, status: 'succeeded' }]);
    // It ran (null: it found the cycle held); every round was scored already, so it only wrote its snapshot and leaderboard.
    expect(live).toMatchObject({ scored: 0, at: new Date(T0 + 11 * HOUR) });
    const b = await runCompetition(other.dataSource, competition, { skip: (param, h) => param === 'BTC-3600-300' && h === 2, cycleHours: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
    runs.push(b);
    expectSameWindows(await windowState(db().dataSource), await windowState(other.dataSource));
  }, 120_000);

  it('answers a second void as a no-op, and an unknown round as not found', async () => {
    const a = await runCompetition(db().dataSource, rescoreCompetition(), { cycleHours: [1, 2, 3, 4] });
    runs.push(a);
    const roundId = a.roundIds.get('BTC-3600-300@1')!;
    await a.app.voids.voidRound(roundId, 'first', 'ops');
    const before = await windowState(db().dataSource);
    const again = await a.app.voids.voidRound(roundId, 'second', 'ops');
    expect(again).toMatchObject({ roundId, alreadyVoid: true, reason: 'first', predictions: 0, historyJobId: null });
    expect((await windowState(db().dataSource)).buckets).toEqual(before.buckets);
    await expect(a.app.voids.voidRound('00000000-0000-4000-8000-000000000000', 'x', 'ops')).rejects.toBeInstanceOf(RoundNotFoundError);
  }, 60_000);

  it('never scores a prediction that reaches a void round late (the outage buffer writing after the void)', async () => {
    const a = await runCompetition(db().dataSource, rescoreCompetition(), { cycleHours: [1, 2, 3] });
    runs.push(a);
    const roundId = a.roundIds.get('BTC-3600-300@1')!;
    await a.app.voids.voidRound(roundId, 'glitch', 'ops');
    const before = await windowState(db().dataSource);
    await db().dataSource.query(
      `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, payload, performed_at, resolvable_at)
       SELECT gen_random_uuid(), round_id, 'late', config_id, asset, horizon, step, 'SUCCESS', payload, performed_at, resolvable_at FROM predictions WHERE round_id = $1 AND model_id = 'a'`,
      [roundId],
    );
    await a.clock.advanceTo(T0 + 4 * HOUR);
    await a.app.cycles.runCycle();
    const [late] = await db().dataSource.query(`SELECT score_value, score_success, score_failed_reason, scored_at IS NOT NULL AS closed FROM predictions_with_scores WHERE model_id = 'late'`);
    expect(late).toEqual({ score_value: null, score_success: null, score_failed_reason: 'round voided: glitch', closed: true });
    expect((await windowState(db().dataSource)).buckets.filter((b) => b.model_id === 'late')).toEqual([]);
    expect((await windowState(db().dataSource)).buckets.filter((b) => b.bucket_start < new Date(T0 + 4 * HOUR).toISOString())).toEqual(before.buckets);
  }, 60_000);
});

import { VirtualClock } from '../../src/clock/clock';
import { rescoreJobParameters } from '../../src/score/rescore/rescore-parameters';
import { AdminJobConflictError } from '../../src/admin/jobs/admin-job';
import { PriceTable } from '../score/support/price-table';
import { createTestDatabase, describeEachEngine, TestDatabase } from '../support/test-database';
import { startRescoreApp, RescoreApp } from './support/rescore-harness';
import { CompetitionRun, expectSameWindows, HOUR, rescoreCompetition, runCompetition, T0, windowState } from './support/competition-run';

const NOW = T0 + 10 * HOUR;
const RANGE = { fromMs: T0, toMs: T0 + 9 * HOUR };

describeEachEngine('rescoring a range', (db) => {
  let fresh: TestDatabase;
  const apps: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    fresh = await createTestDatabase(db().engine);
    // The run scored with scorer B from the start, to compare with.
    apps.push((await runCompetition(fresh.dataSource, rescoreCompetition('density-log-likelihood'))).app);
  }, 120_000);
  afterEach(async () => {
    for (const app of apps.splice(1)) await app.close();
  });
  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close();
    await fresh?.close();
  }, 60_000);

  /** Run A, scored with scorer A; then the coordinator restarts with scorer B. */
  async function scoredWithA(roundsPerBatch?: number): Promise<{ run: CompetitionRun; withB: RescoreApp }> {
    const run = await runCompetition(db().dataSource, rescoreCompetition('density-pdf'));
    await run.app.close();
    const clock = new VirtualClock(NOW);
    const withB = await startRescoreApp(db().dataSource, rescoreCompetition('density-log-likelihood'), clock, new PriceTable(() => clock.nowMs()), { roundsPerBatch });
    apps.push(withB);
    return { run, withB };
  }

  const queueRescore = (app: RescoreApp) => app.jobs.create({ competitionId: 'scoring-test', kind: 'rescore', parameters: rescoreJobParameters(RANGE), keyId: 'ops' });

  it('produces exactly the windows, snapshots and leaderboards of a run scored with the new scorer from the start', async () => {
    const { withB } = await scoredWithA();
    const before = await windowState(db().dataSource);
    const job = await queueRescore(withB);
    expect((await withB.runner.runPending()).jobs).toEqual([{ id: job.id, status: 'succeeded' }]);
    const done = (await withB.jobs.get('scoring-test', job.id))!;
    expect(done).toMatchObject({ status: 'succeeded', error: null, progress: { phase: 'done', roundsDone: 16, roundsTotal: 16, roundsWaiting: 0 } });
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
    const after = await windowState(db().dataSource);
    expect(after.buckets.map((b) => b.score_sum)).not.toEqual(before.buckets.map((b) => b.score_sum));
    expectSameWindows(after, await windowState(fresh.dataSource));
    const predictionScores = (ds: TestDatabase) =>
      ds.dataSource.query(`SELECT model_id, asset, performed_at, score_value, score_success, scored_at FROM predictions_with_scores ORDER BY asset, performed_at, model_id`);
    const [mine, theirs] = [await predictionScores(db()), await predictionScores(fresh)];
    expect(mine.map((r: { score_success: boolean; scored_at: Date }) => [r.score_success, r.scored_at])).toEqual(theirs.map((r: { score_success: boolean; scored_at: Date }) => [r.score_success, r.scored_at]));
    mine.forEach((r: { score_value: number }, i: number) => expect(r.score_value).toBeCloseTo(theirs[i].score_value, 12));
  }, 120_000);

  it('changes nothing when the same range is rescored again', async () => {
    const { withB } = await scoredWithA();
    await queueRescore(withB);
    await withB.runner.runPending();
    const once = await windowState(db().dataSource);
    await queueRescore(withB);
    await withB.runner.runPending();
    expectSameWindows(await windowState(db().dataSource), once);
  }, 120_000);

  it('refuses a second rescore while one is queued', async () => {
    const { withB } = await scoredWithA();
    const first = await queueRescore(withB);
    const refused = queueRescore(withB);
    await expect(refused).rejects.toBeInstanceOf(AdminJobConflictError);
    await expect(refused).rejects.toMatchObject({ active: { id: first.id, status: 'queued' } });
  }, 60_000);

  it('resumes a job that failed after some batches and finishes the range without counting a round twice', async () => {
    const { withB } = await scoredWithA(3);
    const job = await queueRescore(withB);
    const realCorrect = withB.windows.correctBuckets.bind(withB.windows);
    let batches = 0;
    const spy = jest.spyOn(withB.windows, 'correctBuckets').mockImplementation(async (em, corrections) => {
      if (++batches === 3) throw new Error('simulated crash in the third batch');
      return realCorrect(em, corrections);
    });
    expect((await withB.runner.runPending()).jobs).toEqual([{ id: job.id, status: 'failed', error: 'simulated crash in the third batch' }]);
    const failed = (await withB.jobs.get('scoring-test', job.id))!;
    // Two batches of three rounds committed with their progress; the third rolled back.
    expect(failed).toMatchObject({ status: 'failed', error: 'simulated crash in the third batch', progress: { phase: 'rounds', roundsDone: 6, roundsTotal: 16 } });
    spy.mockRestore();
    expect(await withB.jobs.requeue('scoring-test', job.id)).toMatchObject({ status: 'queued' });
    expect((await withB.runner.runPending()).jobs).toEqual([{ id: job.id, status: 'succeeded' }]);
    expect((await withB.jobs.get('scoring-test', job.id))!.progress).toMatchObject({ phase: 'done', roundsDone: 16, roundsTotal: 16 });
    expectSameWindows(await windowState(db().dataSource), await windowState(fresh.dataSource));
  }, 120_000);

  it('resumes a job left running by a process that died, from its stored progress', async () => {
    const { withB } = await scoredWithA(4);
    const job = await queueRescore(withB);
    await withB.jobs.markStarted(job.id, NOW);
    const realCorrect = withB.windows.correctBuckets.bind(withB.windows);
    let batches = 0;
    jest.spyOn(withB.windows, 'correctBuckets').mockImplementation(async (em, corrections) => {
      if (++batches === 2) throw new Error('process killed');
      return realCorrect(em, corrections);
    });
    // The engine alone, as the dying process ran it: its status stays "running".
    await expect(withB.engine.run(job)).rejects.toThrow('process killed');
    expect((await withB.jobs.get('scoring-test', job.id))!).toMatchObject({ status: 'running', progress: { roundsDone: 4 } });
    // A new process (a fresh app on the same database) takes the runner lock and resumes it.
    const clock = new VirtualClock(NOW);
    const restarted = await startRescoreApp(db().dataSource, rescoreCompetition('density-log-likelihood'), clock, new PriceTable(() => clock.nowMs()));
    apps.push(restarted);
    expect((await restarted.runner.runPending()).jobs).toEqual([{ id: job.id, status: 'succeeded' }]);
    expectSameWindows(await windowState(db().dataSource), await windowState(fresh.dataSource));
  }, 120_000);
});

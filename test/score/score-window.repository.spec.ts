import type { BucketIncrement } from '../../src/score/bucket-increments';
import { ScoreWindowRepository } from '../../src/score/score-window.repository';
import { describeEachEngine } from '../support/test-database';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

const increment = (modelId: string, param: string, bucketStartMs: number, scoreSum = 1): BucketIncrement => ({
  modelId,
  param,
  bucketStartMs,
  scoreSum,
  scoreCount: 1,
  failedCount: 0,
});

describeEachEngine('ScoreWindowRepository.addIncrements', (db) => {
  let repo: ScoreWindowRepository;

  beforeAll(() => {
    repo = new ScoreWindowRepository(db().dataSource);
  });

  beforeEach(async () => {
    await db().dataSource.query('DELETE FROM score_buckets');
    await db().dataSource.query('DELETE FROM score_coverage');
  });

  const write = (increments: BucketIncrement[]) =>
    db().dataSource.transaction((em) => repo.addIncrements(em, increments));

  it('remembers the earliest bucket each model was scored in, whatever order the batches come in', async () => {
    await write([increment('a', 'BTC-3600-60', T0 + 2 * HOUR), increment('b', 'BTC-3600-60', T0 + 2 * HOUR)]);
    // Later for both, earlier for a, and a first bucket for a new parameter set.
    await write([increment('a', 'BTC-3600-60', T0 + 3 * HOUR), increment('b', 'BTC-3600-60', T0 + 2 * HOUR)]);
    // One batch with two buckets of a: the earlier counts.
    await write([increment('a', 'BTC-3600-60', T0 + 4 * HOUR), increment('a', 'BTC-3600-60', T0 + HOUR), increment('a', 'ETH-3600-60', T0 + 5 * HOUR)]);
    const coverage = await repo.firstScoredBuckets();
    expect(Object.fromEntries([...coverage].map(([model, params]) => [model, Object.fromEntries(params)]))).toEqual({
      a: { 'BTC-3600-60': T0 + HOUR, 'ETH-3600-60': T0 + 5 * HOUR },
      b: { 'BTC-3600-60': T0 + 2 * HOUR },
    });
  });

  it('adds each batch to its buckets (many batches into the same bucket: the HOT-updated rows keep every sum)', async () => {
    for (let batch = 0; batch < 20; batch++) {
      await write(Array.from({ length: 50 }, (_, m) => increment(`m${m}`, 'BTC-3600-60', T0 + (batch % 2) * HOUR, batch)));
    }
    const rows: Array<{ n: number; sum: number; count: number }> = await db().dataSource.query(
      `SELECT count(*)::int AS n, sum(score_sum)::float8 AS sum, sum(score_count)::int AS count FROM score_buckets`,
    );
    // 50 models x 2 buckets; each model's sums: 0 + 1 + ... + 19 = 190.
    expect(rows[0]).toEqual({ n: 100, sum: 50 * 190, count: 50 * 20 });
  });
});

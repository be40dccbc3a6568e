import type { DataSource, QueryRunner } from 'typeorm';
import { StageTimings } from '../../src/replay/stage-timings';

/** A data source whose query runners answer after `ms(sql)` of wall time. */
function slowDataSource(ms: (sql: string) => number): DataSource {
  const runner = { query: (sql: string) => new Promise((resolve) => setTimeout(() => resolve([]), ms(sql))) };
  return { createQueryRunner: () => ({ ...runner }) as unknown as QueryRunner } as unknown as DataSource;
}

describe('StageTimings', () => {
  it('keeps, when asked, each SQL text (whitespace folded) with its count and wall time, most time first', async () => {
    const timings = new StageTimings();
    const dataSource = slowDataSource((sql) => (sql.includes('2') ? 40 : 2));
    timings.instrument({ dataSource, statements: true });
    const runner = dataSource.createQueryRunner();
    await runner.query('SELECT 1');
    await runner.query('SELECT\n   2');
    await runner.query('SELECT   2');
    const top = timings.topStatements(5);
    expect(top.map((s) => [s.sql, s.count])).toEqual([
      ['SELECT 2', 2],
      ['SELECT 1', 1],
    ]);
    expect(top[0].ms).toBeGreaterThanOrEqual(top[1].ms);
    expect(top[0].ms).toBeGreaterThanOrEqual(79);
    expect(timings.snapshot().queries).toBe(3);
    expect(timings.topStatements(1)).toHaveLength(1);
  });

  it('keeps no statements unless asked', async () => {
    const timings = new StageTimings();
    const dataSource = slowDataSource(() => 1);
    timings.instrument({ dataSource });
    await dataSource.createQueryRunner().query('SELECT 1');
    expect(timings.topStatements(5)).toEqual([]);
    expect(timings.snapshot().queries).toBe(1);
  });
});

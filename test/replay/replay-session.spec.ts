import * as path from 'node:path';
import pino from 'pino';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { EmbeddedVacuumService } from '../../src/database/embedded-vacuum.service';
import { JsonLogger } from '../../src/logging/json-logger';
import { readPriceFile } from '../../src/replay/prices/price-file';
import { ReplaySession } from '../../src/replay/replay-session';
import { createTestDatabase, TestDatabase, testEngines } from '../support/test-database';
import { DEMO, DEMO_PRICES, FIXTURES } from './support/run-replay';

const FROM = Date.UTC(2026, 0, 1);

for (const engine of testEngines()) {
  describe(`ReplaySession [${engine}]`, () => {
    let db: TestDatabase | undefined;
    afterAll(async () => db?.close());

    it('arms the jobs of a live run but the admin-job poll, and replays the range on them', async () => {
      if (engine === 'postgres') db = await createTestDatabase('postgres');
      const session = await ReplaySession.open({
        competition: loadCompetitionFile(DEMO),
        range: { fromMs: FROM, toMs: FROM + 120_000 },
        prices: await readPriceFile(DEMO_PRICES),
        modelsFile: path.join(FIXTURES, 'inline-models.yaml'),
        databaseUrl: db?.url,
        logger: new JsonLogger('error', pino.destination(2)),
      });
      try {
        expect(session.notRunning).toEqual([]);
        const jobs = session.armedJobs();
        expect(jobs).toEqual(expect.arrayContaining(['predict:tick', 'score-cycle']));
        expect(jobs.filter((name) => name.startsWith('predict:round:')).length).toBeGreaterThan(0);
        // Admin jobs are queued over the admin API, which a replay does not serve.
        expect(jobs).not.toContain('admin-jobs');
        // The throwaway embedded database has no autovacuum; a PostgreSQL server runs its own.
        expect(jobs.includes(EmbeddedVacuumService.JOB_NAME)).toBe(engine === 'pglite');
        const summary = await session.run(() => false);
        expect(summary.reachedMs).toBe(FROM + 120_000);
        expect(summary.stages.scoreCycles).toBeGreaterThan(0);
        expect(await session.results.roundCount()).toBeGreaterThan(0);
      } finally {
        await session.close();
      }
    }, 120_000);
  });
}

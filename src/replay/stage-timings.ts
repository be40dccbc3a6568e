import type { DataSource, QueryRunner } from 'typeorm';
import type { ModelRunnerService } from '../model-runner/model-runner.service';
import type { ScoreCycleService } from '../score/score-cycle.service';

/** Wall time spent per stage of a replay, and what the scoring cycles did in it. */
export interface StageTimesMs {
  /** Model calls (ticks and predicts), from the call to the last answer. */
  modelCalls: number;
  /** Scoring cycles, their database work included. */
  scoring: number;
  /** Every database query of the app, summed (queries of concurrent work overlap). */
  database: number;
  scoredPredictions: number;
  scoreCycles: number;
}

/**
 * Where a replay's wall time goes: wraps the model caller's `call`, the score cycle and the
 * database's query runners of one app instance to add up their durations. Measurement only: the
 * wrapped methods behave as before.
 */
export class StageTimings {
  private readonly times: StageTimesMs = { modelCalls: 0, scoring: 0, database: 0, scoredPredictions: 0, scoreCycles: 0 };

  snapshot(): StageTimesMs {
    return { ...this.times };
  }

  instrument(parts: { models?: ModelRunnerService; scoring?: ScoreCycleService; dataSource: DataSource }): void {
    if (parts.models) {
      const models = parts.models;
      const call = models.call.bind(models);
      models.call = (...args: Parameters<ModelRunnerService['call']>) => this.timed('modelCalls', () => call(...args));
    }
    if (parts.scoring) {
      const scoring = parts.scoring;
      const runCycle = scoring.runCycle.bind(scoring);
      scoring.runCycle = () =>
        this.timed('scoring', async () => {
          const result = await runCycle();
          if (result) {
            this.times.scoreCycles++;
            this.times.scoredPredictions += result.scored;
          }
          return result;
        });
    }
    const dataSource = parts.dataSource;
    const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
    dataSource.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>): QueryRunner => {
      const runner = createQueryRunner(...args);
      const query = runner.query.bind(runner) as (...a: unknown[]) => Promise<unknown>;
      (runner as { query: unknown }).query = (...a: unknown[]) => this.timed('database', () => query(...a));
      return runner;
    };
  }

  private async timed<T>(stage: 'modelCalls' | 'scoring' | 'database', work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.times[stage] += performance.now() - started;
    }
  }
}

import type { DataSource, QueryRunner } from 'typeorm';
import type { ModelRunnerService } from '../model-runner/model-runner.service';
import type { ScoreCycleService } from '../score/score-cycle.service';

/**
 * Where a replay's wall time went. The four stages split the wall time without overlap (they sum
 * to it): each instant counts for the first of scoring, model calls, database that has work in
 * flight then, else for `other`.
 */
export interface StageTimesMs {
  /** A scoring cycle was running (its queries and its listeners, the leaderboard's, included). */
  scoring: number;
  /** A model call (tick or predict fan-out) was in flight, no scoring cycle. */
  modelCalls: number;
  /** Only database queries were in flight (round, tick and feed writes outside the two above). */
  database: number;
  /** Nothing of the three: the jobs' own code, the virtual clock, the replay's progress. */
  other: number;
  /** A query was in flight, whatever else ran (overlaps the stages). */
  databaseBusy: number;
  /** A query was in flight during a scoring cycle (part of `scoring`). */
  scoringDatabase: number;
  /** Queries sent, and model call fan-outs (one call of a method to every model it asks). */
  queries: number;
  modelCallFanouts: number;
  scoredPredictions: number;
  scoreCycles: number;
  /** The cycles that scored at least one prediction, and their summed wall time. */
  scoringCycles: number;
  scoringCyclesMs: number;
}

type Stage = 'scoring' | 'modelCalls' | 'database';

/** One SQL text's share of a replay: how many times it ran and the wall time it was in flight (waits for the embedded session included). */
export interface StatementTime {
  sql: string;
  count: number;
  ms: number;
}

/**
 * Measures a replay's stages by wrapping the model caller's `call`, the score cycle and the
 * database's query runners of one app instance: each counts its work in flight, and every change
 * of what is in flight books the time since the previous change. Measurement only: the wrapped
 * methods behave as before.
 *
 * @example
 *   const timings = new StageTimings();
 *   timings.instrument({ models, scoring, dataSource });
 *   timings.reset(); ...; timings.snapshot().scoring; // ms of wall with a cycle running
 */
export class StageTimings {
  private times: StageTimesMs = emptyTimes();
  private readonly inFlight: Record<Stage, number> = { scoring: 0, modelCalls: 0, database: 0 };
  private since = performance.now();
  /** Per SQL text (whitespace folded), when `instrument` was asked to keep them. */
  private readonly statements = new Map<string, { count: number; ms: number }>();

  /** Starts counting afresh from now (the work in flight stays counted as in flight). */
  reset(): void {
    this.times = emptyTimes();
    this.since = performance.now();
  }

  snapshot(): StageTimesMs {
    this.book();
    return { ...this.times };
  }

  /** The statements that took the most wall time, most first (empty unless instrumented with `statements: true`). */
  topStatements(limit: number): StatementTime[] {
    return [...this.statements]
      .map(([sql, t]) => ({ sql, ...t }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, limit);
  }

  instrument(parts: { models?: ModelRunnerService; scoring?: ScoreCycleService; dataSource: DataSource; statements?: boolean }): void {
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
          const started = performance.now();
          const result = await runCycle();
          if (result) {
            this.times.scoreCycles++;
            this.times.scoredPredictions += result.scored;
            if (result.scored > 0) {
              this.times.scoringCycles++;
              this.times.scoringCyclesMs += performance.now() - started;
            }
          }
          return result;
        });
    }
    const dataSource = parts.dataSource;
    const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
    dataSource.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>): QueryRunner => {
      const runner = createQueryRunner(...args);
      const query = runner.query.bind(runner) as (...a: unknown[]) => Promise<unknown>;
      (runner as { query: unknown }).query = parts.statements
        ? (...a: unknown[]) => this.timedStatement(String(a[0]), () => query(...a))
        : (...a: unknown[]) => this.timed('database', () => query(...a));
      return runner;
    };
  }

  private async timed<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
    this.book();
    if (stage === 'database') this.times.queries++;
    else if (stage === 'modelCalls') this.times.modelCallFanouts++;
    this.inFlight[stage]++;
    try {
      return await work();
    } finally {
      this.book();
      this.inFlight[stage]--;
    }
  }

  private async timedStatement<T>(sql: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await this.timed('database', work);
    } finally {
      const key = sql.replace(/\s+/g, ' ').trim();
      const entry = this.statements.get(key) ?? { count: 0, ms: 0 };
      entry.count++;
      entry.ms += performance.now() - started;
      this.statements.set(key, entry);
    }
  }

  /** Books the wall time since the last change to what was in flight during it. */
  private book(): void {
    const now = performance.now();
    const elapsed = now - this.since;
    this.since = now;
    const { scoring, modelCalls, database } = this.inFlight;
    if (scoring > 0) this.times.scoring += elapsed;
    else if (modelCalls > 0) this.times.modelCalls += elapsed;
    else if (database > 0) this.times.database += elapsed;
    else this.times.other += elapsed;
    if (database > 0) {
      this.times.databaseBusy += elapsed;
      if (scoring > 0) this.times.scoringDatabase += elapsed;
    }
  }
}

function emptyTimes(): StageTimesMs {
  return { scoring: 0, modelCalls: 0, database: 0, other: 0, databaseBusy: 0, scoringDatabase: 0, queries: 0, modelCallFanouts: 0, scoredPredictions: 0, scoreCycles: 0, scoringCycles: 0, scoringCyclesMs: 0 };
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Deletes what retention no longer keeps, in bounded batches (short statements, so the embedded
 * engine keeps serving reads between them).
 */
@Injectable()
export class ScoreRetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Predictions scored before `cutoff` (unscored ones are never pruned). */
  prunePredictionsScoredBefore(cutoff: Date, batch = 10_000): Promise<number> {
    return this.inBatches(`DELETE FROM predictions WHERE id IN (SELECT id FROM predictions WHERE scored_at < $1 LIMIT $2)`, cutoff, batch);
  }

  pruneSnapshotsBefore(cutoff: Date, batch = 10_000): Promise<number> {
    return this.inBatches(`DELETE FROM score_snapshots WHERE id IN (SELECT id FROM score_snapshots WHERE performed_at < $1 LIMIT $2)`, cutoff, batch);
  }

  /** Prediction rounds performed before `cutoff` whose predictions have all been pruned. */
  pruneEmptyRoundsBefore(cutoff: Date, batch = 10_000): Promise<number> {
    return this.inBatches(
      `DELETE FROM prediction_rounds WHERE id IN (
         SELECT r.id FROM prediction_rounds r
          WHERE r.performed_at < $1 AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.round_id = r.id)
          LIMIT $2)`,
      cutoff,
      batch,
    );
  }

  /** Buckets that start before `cutoff` (the first bucket of the longest window). */
  async pruneBucketsBefore(cutoff: Date): Promise<number> {
    const result = await this.dataSource.query(`DELETE FROM score_buckets WHERE bucket_start < $1`, [cutoff]);
    return affected(result);
  }

  private async inBatches(sql: string, cutoff: Date, batch: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = affected(await this.dataSource.query(sql, [cutoff, batch]));
      total += deleted;
      if (deleted < batch) return total;
    }
  }
}

function affected(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}

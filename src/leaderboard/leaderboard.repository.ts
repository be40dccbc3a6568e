import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Leaderboard, LeaderboardEntry } from './leaderboard-entry';

/** A model as the leaderboard names it. */
export interface ListedModel {
  id: string;
  name: string;
  cruncherId: string;
  cruncherName: string;
  leftAt: Date | null;
}

/** The SQL of leaderboard history: one row per cycle, the latest served, old ones pruned. */
@Injectable()
export class LeaderboardRepository {
  constructor(private readonly dataSource: DataSource) {}

  async latest(competitionId: string): Promise<Leaderboard | null> {
    const rows: Array<{ created_at: Date; entries: LeaderboardEntry[] }> = await this.dataSource.query(
      `SELECT created_at, entries FROM leaderboards WHERE competition_id = $1 ORDER BY created_at DESC, id LIMIT 1`,
      [competitionId],
    );
    return rows.length === 0 ? null : { createdAt: rows[0].created_at, entries: rows[0].entries };
  }

  async insert(competitionId: string, leaderboard: Leaderboard): Promise<void> {
    await this.dataSource.query(`INSERT INTO leaderboards (id, competition_id, created_at, entries) VALUES ($1, $2, $3, $4::jsonb)`, [
      randomUUID(),
      competitionId,
      leaderboard.createdAt,
      JSON.stringify(leaderboard.entries),
    ]);
  }

  /** Deletes leaderboards created before `cutoff`, always keeping the latest one. */
  async pruneBefore(competitionId: string, cutoff: Date): Promise<number> {
    const result = await this.dataSource.query(
      `DELETE FROM leaderboards
        WHERE competition_id = $1 AND created_at < $2
          AND id <> (SELECT id FROM leaderboards WHERE competition_id = $1 ORDER BY created_at DESC, id LIMIT 1)`,
      [competitionId, cutoff],
    );
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }

  async models(competitionId: string): Promise<ListedModel[]> {
    const rows: Array<{ id: string; name: string; cruncher_id: string; cruncher_name: string; left_at: Date | null }> = await this.dataSource.query(
      `SELECT id, name, cruncher_id, cruncher_name, left_at FROM models WHERE competition_id = $1`,
      [competitionId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, cruncherId: r.cruncher_id, cruncherName: r.cruncher_name, leftAt: r.left_at }));
  }

  /** Status of each model's latest prediction (one index probe per model). */
  async lastStatuses(modelIds: readonly string[]): Promise<Map<string, string>> {
    if (modelIds.length === 0) return new Map();
    const rows: Array<{ model_id: string; status: string }> = await this.dataSource.query(
      `SELECT m.model_id, p.status
         FROM unnest($1::text[]) AS m(model_id)
         CROSS JOIN LATERAL (
           SELECT status FROM predictions WHERE predictions.model_id = m.model_id ORDER BY performed_at DESC LIMIT 1
         ) p`,
      [modelIds],
    );
    return new Map(rows.map((r) => [r.model_id, r.status]));
  }
}

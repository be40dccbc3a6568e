import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Leaderboard, readLeaderboardEntries } from './leaderboard-entry';

/** Which leaderboard is newest, without its entries. */
export interface LeaderboardStamp {
  id: string;
  createdAt: Date;
}

/** "The latest leaderboard", one definition for every read and for pruning (created_at, then id, both newest first). */
const LATEST = `ORDER BY created_at DESC, id DESC LIMIT 1`;

/**
 * `leaderboards`: the only SQL on it. One row per cycle, the latest served, old ones pruned.
 * Entries are read back through `readLeaderboardEntries` (a stored row is not trusted).
 *
 * @example
 *   const board = await repository.latest('condorgame'); // { id, createdAt, entries } | null
 */
@Injectable()
export class LeaderboardRepository {
  private readonly logger = new Logger(LeaderboardRepository.name);

  constructor(private readonly dataSource: DataSource) {}

  /** The newest leaderboard only: the table keeps history, nothing reads it whole. */
  async latest(competitionId: string): Promise<Leaderboard | null> {
    const rows: Array<{ id: string; created_at: Date; entries: unknown }> = await this.dataSource.query(
      `SELECT id, created_at, entries FROM leaderboards WHERE competition_id = $1 ${LATEST}`,
      [competitionId],
    );
    return rows.length === 0 ? null : this.read(rows[0]);
  }

  /** The leaderboard that was the newest at `at` (created at or before it), or null. */
  async asOf(competitionId: string, at: Date): Promise<Leaderboard | null> {
    const rows: Array<{ id: string; created_at: Date; entries: unknown }> = await this.dataSource.query(
      `SELECT id, created_at, entries FROM leaderboards WHERE competition_id = $1 AND created_at <= $2 ${LATEST}`,
      [competitionId, at],
    );
    return rows.length === 0 ? null : this.read(rows[0]);
  }

  /** The first leaderboard created at or after `at`, or null. */
  async firstAtOrAfter(competitionId: string, at: Date): Promise<Leaderboard | null> {
    const rows: Array<{ id: string; created_at: Date; entries: unknown }> = await this.dataSource.query(
      `SELECT id, created_at, entries FROM leaderboards WHERE competition_id = $1 AND created_at >= $2 ORDER BY created_at, id LIMIT 1`,
      [competitionId, at],
    );
    return rows.length === 0 ? null : this.read(rows[0]);
  }

  /** Which leaderboard is newest, without its entries: how a cache checks it is still current. */
  async latestStamp(competitionId: string): Promise<LeaderboardStamp | null> {
    const rows: Array<{ id: string; created_at: Date }> = await this.dataSource.query(
      `SELECT id, created_at FROM leaderboards WHERE competition_id = $1 ${LATEST}`,
      [competitionId],
    );
    return rows.length === 0 ? null : { id: rows[0].id, createdAt: rows[0].created_at };
  }

  private read({ id, created_at, entries }: { id: string; created_at: Date; entries: unknown }): Leaderboard {
    const read = readLeaderboardEntries(entries, (index) => this.logger.warn(`leaderboard ${id}: entry ${index} has no model_id or an invalid rank; not served`));
    return { id, createdAt: created_at, entries: read };
  }

  async insert(competitionId: string, leaderboard: Leaderboard): Promise<void> {
    await this.dataSource.query(`INSERT INTO leaderboards (id, competition_id, created_at, entries) VALUES ($1, $2, $3, $4::jsonb)`, [
      leaderboard.id,
      competitionId,
      leaderboard.createdAt,
      JSON.stringify(leaderboard.entries),
    ]);
  }

  /** Leaderboards created at or after `fromMs`, oldest first, and the one just before (a history recompute rebuilds them in order). */
  async since(competitionId: string, fromMs: number): Promise<{ before: Leaderboard | null; since: Leaderboard[] }> {
    const rows: Array<{ id: string; created_at: Date; entries: unknown }> = await this.dataSource.query(
      `(SELECT id, created_at, entries FROM leaderboards WHERE competition_id = $1 AND created_at < $2 ORDER BY created_at DESC, id DESC LIMIT 1)
       UNION ALL
       (SELECT id, created_at, entries FROM leaderboards WHERE competition_id = $1 AND created_at >= $2)
       ORDER BY created_at, id`,
      [competitionId, new Date(fromMs)],
    );
    const boards = rows.map((r) => ({ id: r.id, createdAt: r.created_at, entries: readLeaderboardEntries(r.entries) }));
    const before = boards.length > 0 && boards[0].createdAt.getTime() < fromMs ? boards[0] : null;
    return { before, since: before ? boards.slice(1) : boards };
  }

  /** Replaces a stored leaderboard by a rebuilt one of the same time (a new id, so caches keyed on it refresh). */
  async replace(competitionId: string, replacedId: string, leaderboard: Leaderboard): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em.query(`DELETE FROM leaderboards WHERE competition_id = $1 AND id = $2`, [competitionId, replacedId]);
      await em.query(`INSERT INTO leaderboards (id, competition_id, created_at, entries) VALUES ($1, $2, $3, $4::jsonb)`, [
        leaderboard.id,
        competitionId,
        leaderboard.createdAt,
        JSON.stringify(leaderboard.entries),
      ]);
    });
  }

  /** Deletes leaderboards created before `cutoff`, always keeping the latest one. */
  async pruneBefore(competitionId: string, cutoff: Date): Promise<number> {
    const result = await this.dataSource.query(
      `DELETE FROM leaderboards
        WHERE competition_id = $1 AND created_at < $2
          AND id <> (SELECT id FROM leaderboards WHERE competition_id = $1 ${LATEST})`,
      [competitionId, cutoff],
    );
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }
}

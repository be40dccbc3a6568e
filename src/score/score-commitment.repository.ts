import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ScoreSnapshotRepository } from './score-snapshot.repository';
import { commitCycle, CommittedStanding, CycleCommitment } from '../commitments/cycle-commitment';
import type { ModelStanding } from './model-standing';

interface CommitmentRow {
  competition_id: string;
  cycle_at: Date;
  leaf_count: number;
  root: string;
  previous_root: string | null;
  chained_root: string;
}

const COLUMNS = `competition_id, cycle_at, leaf_count, root, previous_root, chained_root`;

/** Stores a commitment ($1-$6: `commitmentValues`); a cycle committed again replaces its row. */
const UPSERT = `INSERT INTO score_commitments (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (competition_id, cycle_at) DO UPDATE SET leaf_count = EXCLUDED.leaf_count, root = EXCLUDED.root,
         previous_root = EXCLUDED.previous_root, chained_root = EXCLUDED.chained_root`;

function commitmentValues(c: CycleCommitment): unknown[] {
  return [c.competitionId, c.cycleAt, c.leafCount, c.root, c.previousRoot, c.chainedRoot];
}

/**
 * `score_commitments`: the only SQL on it. One row per scoring cycle, written in the cycle's
 * snapshot transaction (`commit(em, ...)`), chained to the newest earlier row. Retention never
 * prunes it: a root stays published after the snapshots it was built from are gone.
 *
 * @example
 *   await dataSource.transaction(async (em) => { await snapshots.insert(standings, at, em); await commitments.commit(em, id, at, standings); });
 */
@Injectable()
export class ScoreCommitmentRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly snapshots: ScoreSnapshotRepository,
  ) {}

  /**
   * Writes a cycle's snapshots and the commitment to them, together or not at all (the caller
   * holds the cycle lock, so the chain read first cannot change before the write). Usually one
   * statement after the chain read: no transaction to open and commit. A second cycle at the same
   * instant (a virtual clock that did not move) re-commits to every snapshot stored at that time,
   * in a transaction (`commit`). Nothing is written when nothing is ranked.
   */
  async publish(competitionId: string, cycleAt: Date, standings: readonly ModelStanding[]): Promise<CycleCommitment | null> {
    if (standings.length === 0) return null;
    const chain = await this.chainAt(this.dataSource.manager, competitionId, cycleAt);
    if (chain.recommit) {
      return this.dataSource.transaction(async (em) => {
        await this.snapshots.insert(standings, cycleAt.getTime(), em);
        return this.commit(em, competitionId, cycleAt, standings);
      });
    }
    const commitment = commitCycle(competitionId, cycleAt, standings, chain.previousRoot);
    const snapshots = this.snapshots.insertStatement(standings, cycleAt.getTime(), 7);
    await this.dataSource.query(
      `WITH snapshots AS (${snapshots.sql})
       ${UPSERT}`,
      [...commitmentValues(commitment), ...snapshots.params],
    );
    return commitment;
  }

  /**
   * Builds and stores the cycle's commitment inside `em`'s transaction (the caller holds the cycle
   * lock), after the cycle's snapshots were written in it. A second cycle at the same instant (a
   * virtual clock that did not move) re-commits to every snapshot stored at that time.
   */
  async commit(em: EntityManager, competitionId: string, cycleAt: Date, standings: readonly CommittedStanding[]): Promise<CycleCommitment> {
    const chain = await this.chainAt(em, competitionId, cycleAt);
    const committed = chain.recommit ? await this.snapshots.windowsAt(cycleAt, em) : standings;
    const commitment = commitCycle(competitionId, cycleAt, committed, chain.previousRoot);
    await em.query(UPSERT, commitmentValues(commitment));
    return commitment;
  }

  /** The chained root the cycle at `cycleAt` follows, and whether that cycle is committed already. */
  private async chainAt(em: EntityManager, competitionId: string, cycleAt: Date): Promise<{ previousRoot: string | null; recommit: boolean }> {
    const [chain]: Array<{ previous_root: string | null; recommit: boolean }> = await em.query(
      `SELECT (SELECT chained_root FROM score_commitments WHERE competition_id = $1 AND cycle_at < $2 ORDER BY cycle_at DESC LIMIT 1) AS previous_root,
              EXISTS (SELECT 1 FROM score_commitments WHERE competition_id = $1 AND cycle_at = $2) AS recommit`,
      [competitionId, cycleAt],
    );
    return { previousRoot: chain.previous_root, recommit: chain.recommit };
  }

  /** Cycle times committed at or after `fromMs`, oldest first (a history recompute chains them again). */
  async cycleTimesSince(competitionId: string, fromMs: number): Promise<number[]> {
    const rows: Array<{ cycle_at: Date }> = await this.dataSource.query(
      `SELECT cycle_at FROM score_commitments WHERE competition_id = $1 AND cycle_at >= $2 ORDER BY cycle_at`,
      [competitionId, new Date(fromMs)],
    );
    return rows.map((r) => r.cycle_at.getTime());
  }

  /** Deletes the commitment of a cycle left without snapshots (a recompute found nothing scored there any more). */
  async deleteAt(em: EntityManager, competitionId: string, cycleAt: Date): Promise<void> {
    await em.query(`DELETE FROM score_commitments WHERE competition_id = $1 AND cycle_at = $2`, [competitionId, cycleAt]);
  }

  async at(competitionId: string, cycleAt: Date): Promise<CycleCommitment | null> {
    const rows: CommitmentRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM score_commitments WHERE competition_id = $1 AND cycle_at = $2`, [competitionId, cycleAt]);
    return rows.length === 0 ? null : toCommitment(rows[0]);
  }

  /** Up to `limit` commitments with `since <= cycle_at <= until` (either bound optional), newest first, past `offset`. */
  async list(competitionId: string, range: { since?: Date; until?: Date }, limit: number, offset: number): Promise<CycleCommitment[]> {
    const rows: CommitmentRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM score_commitments
        WHERE competition_id = $1 AND ($2::timestamptz IS NULL OR cycle_at >= $2) AND ($3::timestamptz IS NULL OR cycle_at <= $3)
        ORDER BY cycle_at DESC LIMIT $4 OFFSET $5`,
      [competitionId, range.since ?? null, range.until ?? null, limit, offset],
    );
    return rows.map(toCommitment);
  }

  /** How many cycles of `start < cycle_at <= end` committed, and the newest commitment at or before `end`. */
  async periodSummary(em: EntityManager | DataSource, competitionId: string, start: Date, end: Date): Promise<{ count: number; first: Date | null; last: CycleCommitment | null }> {
    const [counts, last]: [Array<{ n: number; first: Date | null }>, CommitmentRow[]] = await Promise.all([
      em.query(`SELECT count(*)::int AS n, min(cycle_at) AS first FROM score_commitments WHERE competition_id = $1 AND cycle_at > $2 AND cycle_at <= $3`, [competitionId, start, end]),
      em.query(`SELECT ${COLUMNS} FROM score_commitments WHERE competition_id = $1 AND cycle_at <= $2 ORDER BY cycle_at DESC LIMIT 1`, [competitionId, end]),
    ]);
    return { count: counts[0]?.n ?? 0, first: counts[0]?.first ?? null, last: last.length === 0 ? null : toCommitment(last[0]) };
  }
}

function toCommitment(r: CommitmentRow): CycleCommitment {
  return { competitionId: r.competition_id, cycleAt: r.cycle_at, leafCount: r.leaf_count, root: r.root, previousRoot: r.previous_root, chainedRoot: r.chained_root };
}

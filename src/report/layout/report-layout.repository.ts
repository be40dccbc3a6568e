import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The two lists an organiser edits from the web app. */
export type ReportLayoutKind = 'leaderboard_columns' | 'metrics_widgets';

/**
 * `report_layouts`: the only SQL on it. One row per competition and list holding the whole
 * edited list (no row: the layout derived from the competition). Items are returned as stored;
 * the caller validates them (a row may come from an older version or another writer).
 *
 * @example
 *   await layouts.change('condorgame', 'metrics_widgets', defaults, (items) => ({ items: [...items, widget], result: widget }));
 */
@Injectable()
export class ReportLayoutRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The stored list, or null when the organiser never edited it. */
  async read(competitionId: string, kind: ReportLayoutKind): Promise<unknown[] | null> {
    const rows: Array<{ items: unknown }> = await this.dataSource.query(`SELECT items FROM report_layouts WHERE competition_id = $1 AND kind = $2`, [competitionId, kind]);
    return rows.length > 0 && Array.isArray(rows[0].items) ? rows[0].items : null;
  }

  /**
   * Read-modify-write under a row lock, so two editors never lose each other's change: `change`
   * receives the current list (`current()` when nothing is stored yet) and returns the list to
   * store (undefined: store nothing) and a result for the caller.
   */
  async change<T, R>(
    competitionId: string,
    kind: ReportLayoutKind,
    current: (stored: unknown[] | null) => T[],
    change: (items: T[]) => { items?: T[]; result: R },
  ): Promise<R> {
    return this.dataSource.transaction(async (em) => {
      // The row exists before it is locked, so a first edit is serialized like any other.
      await em.query(`INSERT INTO report_layouts (competition_id, kind, items) VALUES ($1, $2, 'null'::jsonb) ON CONFLICT DO NOTHING`, [competitionId, kind]);
      const rows: Array<{ items: unknown }> = await em.query(`SELECT items FROM report_layouts WHERE competition_id = $1 AND kind = $2 FOR UPDATE`, [competitionId, kind]);
      const stored = Array.isArray(rows[0]?.items) ? (rows[0].items as unknown[]) : null;
      const outcome = change(current(stored));
      if (outcome.items !== undefined) {
        await em.query(`UPDATE report_layouts SET items = $3::jsonb, updated_at = now() WHERE competition_id = $1 AND kind = $2`, [competitionId, kind, JSON.stringify(outcome.items)]);
      } else if (stored === null) {
        await em.query(`DELETE FROM report_layouts WHERE competition_id = $1 AND kind = $2`, [competitionId, kind]);
      }
      return outcome.result;
    });
  }

  /** Forgets the edits: the derived layout is served again. */
  async remove(competitionId: string, kind: ReportLayoutKind): Promise<void> {
    await this.dataSource.query(`DELETE FROM report_layouts WHERE competition_id = $1 AND kind = $2`, [competitionId, kind]);
  }
}

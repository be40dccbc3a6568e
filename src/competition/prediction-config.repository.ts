import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PredictionConfigDefinition } from '../config/competition/competition.types';
import { PredictionConfig } from './prediction-config';

/** A `prediction_configs` row as the driver returns it (integer columns arrive as numbers). */
interface ConfigRow {
  id: string;
  competition_id: string;
  asset: string;
  horizon: number;
  step: number;
  prediction_interval: number;
  group: string;
  active: boolean;
  order: number;
}

const COLUMNS = `id, competition_id, asset, horizon, step, prediction_interval, "group", active, "order"`;

/**
 * `prediction_configs`: the only place that reads or writes them. Rows are keyed by
 * (competition_id, asset, horizon, step); they are never deleted, only deactivated, so the
 * rounds and predictions that point at them keep their meaning.
 *
 * @example
 *   const configs = await repository.active('condorgame'); // ordered by group, then order
 */
@Injectable()
export class PredictionConfigRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Active configs of a competition, with their ids, ordered by group then `order`. */
  async active(competitionId: string): Promise<PredictionConfig[]> {
    const rows: ConfigRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM prediction_configs WHERE competition_id = $1 AND active
        ORDER BY "group", "order", asset, horizon, step`,
      [competitionId],
    );
    return rows.map(toConfig);
  }

  /** Every config of a competition, active or not. */
  async all(competitionId: string): Promise<PredictionConfig[]> {
    const rows: ConfigRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM prediction_configs WHERE competition_id = $1
        ORDER BY "group", "order", asset, horizon, step`,
      [competitionId],
    );
    return rows.map(toConfig);
  }

  /**
   * Inserts a config or updates interval, group, active and order of the existing row with the
   * same parameter set. The id of an existing row is kept.
   */
  async upsert(manager: EntityManager, competitionId: string, config: PredictionConfigDefinition): Promise<void> {
    await manager.query(
      `INSERT INTO prediction_configs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT prediction_configs_param_unique DO UPDATE SET
         prediction_interval = EXCLUDED.prediction_interval, "group" = EXCLUDED."group",
         active = EXCLUDED.active, "order" = EXCLUDED."order", updated_at = now()
       WHERE (prediction_configs.prediction_interval, prediction_configs."group", prediction_configs.active, prediction_configs."order")
         IS DISTINCT FROM (EXCLUDED.prediction_interval, EXCLUDED."group", EXCLUDED.active, EXCLUDED."order")`,
      [randomUUID(), competitionId, config.asset, config.horizon, config.step, config.interval, config.group, config.active, config.order],
    );
  }

  /** Deactivates the configs of a competition whose parameter set is not in `kept`; returns how many. */
  async deactivateAllExcept(
    manager: EntityManager,
    competitionId: string,
    kept: ReadonlyArray<Pick<PredictionConfigDefinition, 'asset' | 'horizon' | 'step'>>,
  ): Promise<number> {
    const rows: Array<{ id: string }> = await manager.query(
      // Wrapped in a CTE so the driver returns the rows (a bare UPDATE yields [rows, count]).
      `WITH deactivated AS (
         UPDATE prediction_configs SET active = false, updated_at = now()
          WHERE competition_id = $1 AND active
            AND (asset, horizon, step) NOT IN (
              SELECT * FROM unnest($2::text[], $3::int[], $4::int[]) AS kept(asset, horizon, step))
          RETURNING id)
       SELECT id FROM deactivated`,
      [competitionId, kept.map((c) => c.asset), kept.map((c) => c.horizon), kept.map((c) => c.step)],
    );
    return rows.length;
  }
}

function toConfig(row: ConfigRow): PredictionConfig {
  return {
    id: row.id,
    competitionId: row.competition_id,
    asset: row.asset,
    horizon: row.horizon,
    step: row.step,
    interval: row.prediction_interval,
    group: row.group,
    active: row.active,
    order: row.order,
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CallableModel } from '../predict.ports';

/** A model as the `models` table records it. */
export interface RegisteredModel {
  id: string;
  name: string;
  cruncherId: string;
  cruncherName: string;
  deploymentId: string;
  /** RUNNING or STOPPED. */
  state: string;
  /** When its deployment left (null while it runs). */
  leftAt: Date | null;
}

/**
 * The `models` table: the only SQL on it. The membership of the fleet writes it; the
 * leaderboard and the report read it. Only the membership columns are
 * written (name, cruncher, deployment, state, infos, seen/left times), each with one targeted
 * statement, so concurrent writers (scoring, the report, another instance) never clobber
 * each other's columns.
 *
 * @example
 *   await registry.recordRunning('condorgame', model, clock.now());
 *   await registry.recordLeft(model.modelId, model.deploymentId, clock.now());
 */
@Injectable()
export class ModelRegistryRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** A model joined or changed: it is RUNNING with this deployment (first_seen_at kept on updates). */
  async recordRunning(competitionId: string, model: CallableModel, at: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO models (id, competition_id, name, cruncher_id, cruncher_name, deployment_id, state, infos,
                           first_seen_at, last_seen_at, left_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'RUNNING', $7::jsonb, $8, $8, NULL, $8)
       ON CONFLICT (id) DO UPDATE SET
         name = EXCLUDED.name, cruncher_id = EXCLUDED.cruncher_id, cruncher_name = EXCLUDED.cruncher_name,
         deployment_id = EXCLUDED.deployment_id, state = 'RUNNING', infos = EXCLUDED.infos,
         last_seen_at = EXCLUDED.last_seen_at, left_at = NULL, updated_at = EXCLUDED.updated_at`,
      [
        model.modelId,
        competitionId,
        model.modelName ?? '',
        model.cruncherId ?? '',
        model.cruncherName ?? '',
        model.deploymentId,
        JSON.stringify(model.infos ?? {}),
        at,
      ],
    );
  }

  /**
   * A deployment left: the model is STOPPED, unless a newer deployment of it already runs (a
   * replacement starts the new deployment before stopping the old one). Returns whether a row changed.
   */
  async recordLeft(modelId: string, deploymentId: string, at: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH stopped AS (
         UPDATE models SET state = 'STOPPED', left_at = $3, last_seen_at = $3, updated_at = $3
          WHERE id = $1 AND deployment_id = $2 AND state <> 'STOPPED'
          RETURNING id)
       SELECT id FROM stopped`,
      [modelId, deploymentId, at],
    );
    return rows.length > 0;
  }

  /**
   * Marks STOPPED every model of the competition still RUNNING in the table but not in
   * `runningModelIds` (rows left RUNNING by a previous process). Returns their ids.
   */
  async stopAllExcept(competitionId: string, runningModelIds: readonly string[], at: Date): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH stopped AS (
         UPDATE models SET state = 'STOPPED', left_at = $3, updated_at = $3
          WHERE competition_id = $1 AND state = 'RUNNING' AND NOT (id = ANY($2::text[]))
          RETURNING id)
       SELECT id FROM stopped`,
      [competitionId, [...runningModelIds], at],
    );
    return rows.map((r) => r.id);
  }

  /** Ids of the models of a competition the registry holds as RUNNING (the "known" models of a round). */
  async runningModelIds(competitionId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM models WHERE competition_id = $1 AND state = 'RUNNING' ORDER BY id`,
      [competitionId],
    );
    return rows.map((r) => r.id);
  }

  /** The models of a competition ordered by id: all of them, or up to `page.limit` past `page.offset`. */
  async models(competitionId: string, page?: { limit: number; offset: number }): Promise<RegisteredModel[]> {
    const rows: Array<{ id: string; name: string; cruncher_id: string; cruncher_name: string; deployment_id: string; state: string; left_at: Date | null }> =
      await this.dataSource.query(
        `SELECT id, name, cruncher_id, cruncher_name, deployment_id, state, left_at
           FROM models WHERE competition_id = $1
          ORDER BY id ${page ? 'LIMIT $2 OFFSET $3' : ''}`,
        page ? [competitionId, page.limit, page.offset] : [competitionId],
      );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      cruncherId: r.cruncher_id,
      cruncherName: r.cruncher_name,
      deploymentId: r.deployment_id,
      state: r.state,
      leftAt: r.left_at,
    }));
  }
}

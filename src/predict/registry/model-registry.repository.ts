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
  /** Set by an operator: the model gets no calls and is reported to the orchestrator (null: enabled). */
  disabled: ModelFlag | null;
  /** Set by an operator: the model keeps its history but gets no rank and no payout (null: included). */
  excluded: ModelFlag | null;
}

/** When and why an operator flagged a model. */
export interface ModelFlag {
  at: Date;
  reason: string;
}

/** The operator flags of a model (admin actions), named as the `models` columns are. */
export type ModelFlagName = 'disabled' | 'excluded';

/** What a round needs from the registry: who it must account for, and who it must not call. */
export interface RoundRoster {
  /** RUNNING and not disabled: a round stores one prediction for each (ABSENT if unreachable). */
  runningModelIds: string[];
  /** Disabled by an operator, whatever their state, with the operator's reason: never called, never in a round. */
  disabled: Array<{ modelId: string; reason: string }>;
}

interface ModelRow {
  id: string;
  name: string;
  cruncher_id: string;
  cruncher_name: string;
  deployment_id: string;
  state: string;
  left_at: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  excluded_at: Date | null;
  excluded_reason: string | null;
}

const MODEL_COLUMNS = `id, name, cruncher_id, cruncher_name, deployment_id, state, left_at, disabled_at, disabled_reason, excluded_at, excluded_reason`;

/**
 * The `models` table: the only SQL on it. The membership of the fleet writes it; the
 * leaderboard and the report read it; the admin API sets the operator flags (disabled,
 * excluded). Membership writes touch only the membership columns (name, cruncher, deployment,
 * state, infos, seen/left times) and flag writes only their flag's columns, each with one
 * targeted statement, so concurrent writers (the predict role, the admin API on another
 * instance) never clobber each other's columns.
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

  /**
   * One query per round (and per tick): the RUNNING models it accounts for, and the disabled ones
   * it must leave out (an operator may disable a model from another instance at any time).
   */
  async roundRoster(competitionId: string): Promise<RoundRoster> {
    const rows: Array<{ id: string; state: string; disabled: boolean; disabled_reason: string | null }> = await this.dataSource.query(
      `SELECT id, state, disabled_at IS NOT NULL AS disabled, disabled_reason FROM models
        WHERE competition_id = $1 AND (state = 'RUNNING' OR disabled_at IS NOT NULL)
        ORDER BY id`,
      [competitionId],
    );
    return {
      runningModelIds: rows.filter((r) => r.state === 'RUNNING' && !r.disabled).map((r) => r.id),
      disabled: rows.filter((r) => r.disabled).map((r) => ({ modelId: r.id, reason: r.disabled_reason ?? '' })),
    };
  }

  /** Ids of the excluded models of a competition (no rank, no payout). */
  async excludedModelIds(competitionId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM models WHERE competition_id = $1 AND excluded_at IS NOT NULL ORDER BY id`,
      [competitionId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Sets (`flag` given) or lifts (null) an operator flag. Setting an already set flag keeps its
   * first time and replaces the reason. Returns the model as it is now, or null if the competition
   * has no such model.
   */
  async setFlag(competitionId: string, modelId: string, name: ModelFlagName, flag: ModelFlag | null): Promise<RegisteredModel | null> {
    // Column names come from the closed ModelFlagName union, never from the request.
    const at = `${name}_at`;
    const reason = `${name}_reason`;
    const rows: ModelRow[] = await this.dataSource.query(
      // Through a CTE: the driver answers a bare UPDATE ... RETURNING as [rows, count].
      `WITH flagged AS (
         UPDATE models SET ${at} = CASE WHEN $3::timestamptz IS NULL THEN NULL ELSE COALESCE(${at}, $3::timestamptz) END, ${reason} = $4
          WHERE competition_id = $1 AND id = $2
          RETURNING ${MODEL_COLUMNS})
       SELECT * FROM flagged`,
      [competitionId, modelId, flag?.at ?? null, flag?.reason ?? null],
    );
    return rows.length === 0 ? null : mapModel(rows[0]);
  }

  /** One model of the competition, or null. */
  async model(competitionId: string, modelId: string): Promise<RegisteredModel | null> {
    const rows: ModelRow[] = await this.dataSource.query(`SELECT ${MODEL_COLUMNS} FROM models WHERE competition_id = $1 AND id = $2`, [competitionId, modelId]);
    return rows.length === 0 ? null : mapModel(rows[0]);
  }

  /** The models of a competition ordered by id: all of them, or up to `page.limit` past `page.offset`. */
  async models(competitionId: string, page?: { limit: number; offset: number }): Promise<RegisteredModel[]> {
    const rows: ModelRow[] = await this.dataSource.query(
      `SELECT ${MODEL_COLUMNS}
         FROM models WHERE competition_id = $1
        ORDER BY id ${page ? 'LIMIT $2 OFFSET $3' : ''}`,
      page ? [competitionId, page.limit, page.offset] : [competitionId],
    );
    return rows.map(mapModel);
  }
}

function mapModel(r: ModelRow): RegisteredModel {
  return {
    id: r.id,
    name: r.name,
    cruncherId: r.cruncher_id,
    cruncherName: r.cruncher_name,
    deploymentId: r.deployment_id,
    state: r.state,
    leftAt: r.left_at,
    disabled: r.disabled_at === null ? null : { at: r.disabled_at, reason: r.disabled_reason ?? '' },
    excluded: r.excluded_at === null ? null : { at: r.excluded_at, reason: r.excluded_reason ?? '' },
  };
}

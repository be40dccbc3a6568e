import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type AdminActionOutcome = 'succeeded' | 'failed';

/** One audited admin action, as stored. */
export interface AdminAction {
  id: string;
  competitionId: string;
  keyId: string;
  action: string;
  target: string | null;
  parameters: Record<string, unknown>;
  outcome: AdminActionOutcome;
  /** What the action returned, or `{ error }` when it failed. */
  result: unknown;
  actedAt: Date;
}

export type NewAdminAction = Omit<AdminAction, 'id' | 'actedAt'>;

interface AdminActionRow {
  id: string;
  competition_id: string;
  key_id: string;
  action: string;
  target: string | null;
  parameters: Record<string, unknown>;
  outcome: AdminActionOutcome;
  result: unknown;
  acted_at: Date;
}

/** `admin_actions`: the only SQL on it. Rows are appended, never changed. */
@Injectable()
export class AdminActionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async append(action: NewAdminAction): Promise<AdminAction> {
    const rows: AdminActionRow[] = await this.dataSource.query(
      `INSERT INTO admin_actions (competition_id, key_id, action, target, parameters, outcome, result)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb)
       RETURNING id::text AS id, competition_id, key_id, action, target, parameters, outcome, result, acted_at`,
      [action.competitionId, action.keyId, action.action, action.target, JSON.stringify(action.parameters), action.outcome, JSON.stringify(action.result ?? null)],
    );
    return mapAdminAction(rows[0]);
  }

  /** Newest first; `action` filters by action name. */
  async list(competitionId: string, page: { limit: number; offset: number; action?: string }): Promise<AdminAction[]> {
    const rows: AdminActionRow[] = await this.dataSource.query(
      `SELECT id::text AS id, competition_id, key_id, action, target, parameters, outcome, result, acted_at
         FROM admin_actions
        WHERE competition_id = $1 AND ($2::text IS NULL OR action = $2)
        ORDER BY id DESC
        LIMIT $3 OFFSET $4`,
      [competitionId, page.action ?? null, page.limit, page.offset],
    );
    return rows.map(mapAdminAction);
  }
}

function mapAdminAction(row: AdminActionRow): AdminAction {
  return {
    id: row.id,
    competitionId: row.competition_id,
    keyId: row.key_id,
    action: row.action,
    target: row.target,
    parameters: row.parameters ?? {},
    outcome: row.outcome,
    result: row.result,
    actedAt: row.acted_at instanceof Date ? row.acted_at : new Date(row.acted_at),
  };
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { asObject } from '../../database/stored-json';
import { AdminJob, AdminJobConflictError, AdminJobKind, AdminJobProgress, AdminJobStatus, initialProgress } from './admin-job';

interface AdminJobRow {
  id: string;
  competition_id: string;
  kind: AdminJobKind;
  parameters: Record<string, unknown> | null;
  status: AdminJobStatus;
  progress: unknown;
  error: string | null;
  key_id: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS = `id, competition_id, kind, parameters, status, progress, error, key_id, created_at, started_at, finished_at`;
const UNIQUE_VIOLATION = '23505';

/**
 * `admin_jobs`: the only SQL on it. A job is queued by the admin API or the CLI, run by the
 * score role's job runner (or the CLI itself), and writes its progress inside the transactions
 * of its own steps (`saveProgress(em, ...)`), so the stored progress always matches the writes.
 */
@Injectable()
export class AdminJobRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Queues a job; throws AdminJobConflictError when it is a rescore and another one is queued or running. */
  async create(job: { competitionId: string; kind: AdminJobKind; parameters: Record<string, unknown>; keyId: string }, em?: EntityManager): Promise<AdminJob> {
    try {
      const rows: AdminJobRow[] = await (em ?? this.dataSource).query(
        `INSERT INTO admin_jobs (id, competition_id, kind, parameters, status, progress, key_id)
         VALUES ($1, $2, $3, $4::jsonb, 'queued', $5::jsonb, $6) RETURNING ${COLUMNS}`,
        [randomUUID(), job.competitionId, job.kind, JSON.stringify(job.parameters), JSON.stringify(initialProgress()), job.keyId],
      );
      return mapAdminJob(rows[0]);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new AdminJobConflictError(await this.activeRescore(job.competitionId));
      throw error;
    }
  }

  async get(competitionId: string, id: string): Promise<AdminJob | null> {
    const rows: AdminJobRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM admin_jobs WHERE competition_id = $1 AND id = $2`, [competitionId, id]);
    return rows.length === 0 ? null : mapAdminJob(rows[0]);
  }

  async activeRescore(competitionId: string): Promise<AdminJob | null> {
    const rows: AdminJobRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM admin_jobs WHERE competition_id = $1 AND kind = 'rescore' AND status IN ('queued', 'running') LIMIT 1`,
      [competitionId],
    );
    return rows.length === 0 ? null : mapAdminJob(rows[0]);
  }

  /**
   * The job to run next: one left `running` first (the caller holds the runner lock, so its
   * process died and it resumes), else the oldest queued one.
   */
  async nextRunnable(competitionId: string): Promise<AdminJob | null> {
    const rows: AdminJobRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM admin_jobs WHERE competition_id = $1 AND status IN ('queued', 'running')
        ORDER BY (status = 'running') DESC, created_at, id LIMIT 1`,
      [competitionId],
    );
    return rows.length === 0 ? null : mapAdminJob(rows[0]);
  }

  async markStarted(id: string, atMs: number): Promise<void> {
    await this.dataSource.query(`UPDATE admin_jobs SET status = 'running', started_at = coalesce(started_at, $2), error = NULL WHERE id = $1`, [id, new Date(atMs)]);
  }

  /** Stores progress, inside the transaction of the step it reports when `em` is given. */
  async saveProgress(id: string, progress: AdminJobProgress, em?: EntityManager): Promise<void> {
    await (em ?? this.dataSource).query(`UPDATE admin_jobs SET progress = $2::jsonb WHERE id = $1`, [id, JSON.stringify(progress)]);
  }

  async finish(id: string, atMs: number, progress: AdminJobProgress): Promise<void> {
    await this.dataSource.query(`UPDATE admin_jobs SET status = 'succeeded', finished_at = $2, progress = $3::jsonb, error = NULL WHERE id = $1`, [id, new Date(atMs), JSON.stringify(progress)]);
  }

  async fail(id: string, atMs: number, error: string): Promise<void> {
    await this.dataSource.query(`UPDATE admin_jobs SET status = 'failed', finished_at = $2, error = $3 WHERE id = $1`, [id, new Date(atMs), error.slice(0, 2000)]);
  }

  /** Queues a failed job again (it resumes from its stored progress); null when it is not failed. */
  async requeue(competitionId: string, id: string): Promise<AdminJob | null> {
    try {
      // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
      const [rows]: [AdminJobRow[], number] = await this.dataSource.query(
        `UPDATE admin_jobs SET status = 'queued', finished_at = NULL WHERE competition_id = $1 AND id = $2 AND status = 'failed' RETURNING ${COLUMNS}`,
        [competitionId, id],
      );
      return rows.length === 0 ? null : mapAdminJob(rows[0]);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new AdminJobConflictError(await this.activeRescore(competitionId));
      throw error;
    }
  }
}

function mapAdminJob(row: AdminJobRow): AdminJob {
  return {
    id: row.id,
    competitionId: row.competition_id,
    kind: row.kind,
    parameters: row.parameters ?? {},
    status: row.status,
    progress: readProgress(row.progress),
    error: row.error,
    keyId: row.key_id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** Stored progress, defaults filling what an older row lacks. */
function readProgress(stored: unknown): AdminJobProgress {
  const p = asObject(stored) ?? {};
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  const countOrNull = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
  const cursor = asObject(p.cursor);
  return {
    phase: p.phase === 'history' || p.phase === 'done' ? p.phase : 'rounds',
    roundsDone: count(p.roundsDone),
    roundsTotal: countOrNull(p.roundsTotal),
    roundsWaiting: count(p.roundsWaiting),
    cursor: cursor && typeof cursor.roundId === 'string' && typeof cursor.resolvableAtMs === 'number' ? { roundId: cursor.roundId, resolvableAtMs: cursor.resolvableAtMs } : null,
    cyclesDone: count(p.cyclesDone),
    cyclesTotal: countOrNull(p.cyclesTotal),
  };
}

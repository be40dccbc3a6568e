/**
 * A background job an operator started (`admin_jobs`): a rescore of a range, or the recompute of
 * the snapshots, commitments and leaderboards after a round was voided. Its progress is stored
 * with each step's writes, so a job stopped mid-way (a crash, a failure) is resumed where it stopped.
 */
export const ADMIN_JOB_KINDS = ['rescore', 'history-recompute'] as const;
export type AdminJobKind = (typeof ADMIN_JOB_KINDS)[number];

export const ADMIN_JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type AdminJobStatus = (typeof ADMIN_JOB_STATUSES)[number];

/** How far a job got. Rounds: a rescore's walk; cycles: the history recompute that follows it. */
export interface AdminJobProgress {
  phase: 'rounds' | 'history' | 'done';
  roundsDone: number;
  /** Known once the job started. */
  roundsTotal: number | null;
  /** Rounds left as they were: their ground truth is still awaited. */
  roundsWaiting: number;
  /** The last round done (resumes after it). */
  cursor: { roundId: string; resolvableAtMs: number } | null;
  cyclesDone: number;
  cyclesTotal: number | null;
}

export function initialProgress(): AdminJobProgress {
  return { phase: 'rounds', roundsDone: 0, roundsTotal: null, roundsWaiting: 0, cursor: null, cyclesDone: 0, cyclesTotal: null };
}

export interface AdminJob {
  id: string;
  competitionId: string;
  kind: AdminJobKind;
  parameters: Record<string, unknown>;
  status: AdminJobStatus;
  progress: AdminJobProgress;
  error: string | null;
  /** The API key that started it (`cli` from the command line). */
  keyId: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Another rescore of the competition is queued or running (the database allows one). */
export class AdminJobConflictError extends Error {
  constructor(readonly active: AdminJob | null) {
    super(active ? `rescore job ${active.id} is ${active.status}: one rescore at a time` : 'a rescore job is already queued or running: one rescore at a time');
    this.name = 'AdminJobConflictError';
  }
}

/** The competition definition could not be written to the database; the app must not start half-synced. */
export class CompetitionSyncError extends Error {
  constructor(
    readonly competitionId: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`competition ${competitionId}: cannot sync the definition to the database: ${reason}`, { cause });
    this.name = 'CompetitionSyncError';
  }
}

/** No tournament round with this id (in this competition). */
export class TournamentRoundNotFoundError extends Error {
  constructor(readonly roundId: string) {
    super(`no tournament round ${roundId}`);
    this.name = 'TournamentRoundNotFoundError';
  }
}

/** A POST that contradicts what is stored: another inputs under a used round id, another truth, a truth before the predictions. */
export class TournamentConflictError extends Error {
  constructor(
    readonly roundId: string,
    message: string,
  ) {
    super(message);
    this.name = 'TournamentConflictError';
  }
}

/** This instance cannot do it (no predict role to call the models), or the round could not be stored. */
export class TournamentUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TournamentUnavailableError';
  }
}

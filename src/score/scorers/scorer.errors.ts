/** A scorer option is missing, of the wrong type or out of range; names the key. */
export class ScorerOptionsError extends Error {
  constructor(
    readonly scorer: string,
    readonly optionKey: string,
    detail: string,
  ) {
    super(`scorer "${scorer}": option "${optionKey}" ${detail}`);
    this.name = 'ScorerOptionsError';
  }
}

/** No scorer is registered under the requested name. */
export class UnknownScorerError extends Error {
  constructor(
    readonly scorer: string,
    readonly knownScorers: readonly string[],
  ) {
    super(`unknown scorer "${scorer}"; known scorers: ${knownScorers.join(', ')}`);
    this.name = 'UnknownScorerError';
  }
}

/** A scorer could not be registered (duplicate name, or not shaped like a Scorer). */
export class ScorerRegistrationError extends Error {
  constructor(
    readonly scorer: string,
    detail: string,
  ) {
    super(`cannot register scorer "${scorer}": ${detail}`);
    this.name = 'ScorerRegistrationError';
  }
}

/** The competition's scorer cannot read its predictions (one list per prediction vs. one per step). */
export class ScorerPayloadError extends Error {
  constructor(
    readonly scorer: string,
    detail: string,
  ) {
    super(`scorer "${scorer}": ${detail}`);
    this.name = 'ScorerPayloadError';
  }
}

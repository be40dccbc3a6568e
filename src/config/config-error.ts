/** A configuration problem that stops the process with one line naming the variable or key. */
export class ConfigError extends Error {
  constructor(
    /** The environment variable or the competition-file key path, e.g. `PORT` or `scoring.penalty.percentile`. */
    readonly key: string,
    readonly problem: string,
    readonly source = 'environment',
  ) {
    super(`${key}: ${problem}`);
    this.name = 'ConfigError';
  }
}

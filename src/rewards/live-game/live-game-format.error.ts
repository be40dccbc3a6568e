/** A file in the live game's shape does not have that shape; `at` is the JSON path of the first problem. */
export class LiveGameFormatError extends Error {
  constructor(
    readonly file: 'leaderboard' | 'config',
    readonly at: string,
    detail: string,
  ) {
    super(`${file}: ${at}: ${detail}`);
    this.name = 'LiveGameFormatError';
  }
}

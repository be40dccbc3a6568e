/**
 * Errors raised while reading a feed. Each carries the source (adapter name) and, where there is
 * one, the URL / file / option involved, so a log line alone says what went wrong and where.
 */
export class FeedError extends Error {
  constructor(
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`[feed ${source}] ${message}`, options);
    this.name = new.target.name;
  }
}

/** An adapter option is missing or invalid. `key` is the option's path, e.g. `symbols.BTC`. */
export class FeedOptionError extends FeedError {
  constructor(
    source: string,
    readonly key: string,
    readonly problem: string,
  ) {
    super(source, `feed.options.${key}: ${problem}`);
  }
}

/** No adapter is registered under the name a competition asks for. */
export class UnknownFeedAdapterError extends Error {
  constructor(
    readonly adapter: string,
    known: string[],
  ) {
    super(`unknown feed adapter "${adapter}" (registered: ${known.sort().join(', ') || 'none'})`);
    this.name = 'UnknownFeedAdapterError';
  }
}

/** An HTTP request failed for good (after retries, or with a status that retrying cannot fix). */
export class FeedHttpError extends FeedError {
  constructor(
    source: string,
    readonly url: string,
    readonly status: number | null,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(source, `${problem} (GET ${url}${status === null ? '' : `, status ${status}`})`, options);
  }
}

/** A provider answered, but not with the payload it documents (HTML page, bad JSON, wrong shape). */
export class FeedPayloadError extends FeedError {
  constructor(
    source: string,
    readonly where: string,
    problem: string,
  ) {
    super(source, `${problem} (${where})`);
  }
}

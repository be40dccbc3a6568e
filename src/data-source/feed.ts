import type { Observable } from 'rxjs';

/**
 * One observation of a feed: `values` of a `subject` (an asset such as `BTC`) at `ts` (epoch ms).
 *
 * @example
 *   { subject: 'BTC', ts: 1767225600000, values: { close: 87012.5 } }
 */
export interface FeedRecord {
  subject: string;
  ts: number;
  values: Record<string, number>;
}

/** What an adapter gets besides its options. */
export interface FeedContext {
  /** The adapter name the competition asked for (also the `source` stored with each record). */
  source: string;
  /** Subjects the competition wants. */
  subjects: string[];
  /** Seconds between records (60 for minute prices). */
  granularitySeconds: number;
  /** The app clock's "now" in epoch ms; adapters never read the wall clock themselves. */
  nowMs: () => number;
}

/** A page of records, or a sequence of pages that an adapter fetches one request at a time. */
export type FeedPages = Promise<FeedRecord[]> | AsyncIterable<FeedRecord[]>;

/**
 * A source of records. Adapters fetch ranges (paging internally) and may also push live records.
 * Records need not be clean: the data source validates them (bad ones are logged and skipped),
 * dedupes them by subject+ts and persists them.
 *
 * @example
 *   const feed: Feed = {
 *     listSubjects: async () => ['BTC'],
 *     fetchRange: async (subject, fromMs, toMs) => (await myApi.prices(subject, fromMs, toMs))
 *       .map((p) => ({ subject, ts: p.time, values: { price: p.price } })),
 *   };
 */
export interface Feed {
  /** Subjects this feed can provide. */
  listSubjects(): Promise<string[]>;
  /** Records of `subject` with `fromMs <= ts <= toMs` (both epoch ms), as one array or as pages. */
  fetchRange(subject: string, fromMs: number, toMs: number): FeedPages;
  /** Live records as they arrive (WebSocket-like feeds). Called once after start. */
  stream?(subjects: string[]): Observable<FeedRecord> | AsyncIterable<FeedRecord>;
  /** Releases connections, watchers, pools. */
  close?(): Promise<void>;
}

/**
 * Builds a feed from a competition's `feed.options`. Validates the options and throws a
 * `FeedOptionError` naming the offending key.
 */
export type FeedFactory = (options: Record<string, unknown>, context: FeedContext) => Feed;

/** A provider class marked with `@FeedAdapter('name')` implements this. */
export interface FeedAdapterProvider {
  create: FeedFactory;
}

/** Reads every page of a `fetchRange` result into one array. */
export async function* feedPages(pages: FeedPages): AsyncGenerator<FeedRecord[]> {
  if (isAsyncIterable(pages)) {
    for await (const page of pages) yield page;
    return;
  }
  yield await pages;
}

export function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof (value as AsyncIterable<T>)?.[Symbol.asyncIterator] === 'function';
}

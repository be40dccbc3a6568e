import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { BUILT_IN_FEED_ADAPTERS } from '../../data-source/adapters';
import { feedPages, FeedAdapterProvider } from '../../data-source/feed';
import { FeedAdapterMarker } from '../../data-source/feed-adapter.decorator';
import { competitionFeedSeries, FeedRecordRepository, FeedSeries } from '../../data-source/feed-record.repository';
import { FeedRecordValidator } from '../../data-source/feed-record-validator';
import { openDatabase } from '../../database/data-source.factory';
import { ReplayRange } from '../replayed-competition';
import { readPriceFile } from './price-file';
import { PricePoint, ReplayPrices } from './replay-prices';

/** Where a replay's prices came from, for its log and its summary. */
export type PriceOrigin = { kind: 'file'; file: string } | { kind: 'database'; records: number } | { kind: 'feed'; adapter: string; records: number; storedInDatabase: boolean };

/** A replay needs prices of a subject that none of its sources has. */
export class ReplayPricesMissingError extends Error {
  constructor(where: string, subjects: string[], range: ReplayRange) {
    super(`${where} has no price of ${subjects.join(', ')} between ${new Date(range.fromMs).toISOString()} and ${new Date(range.toMs).toISOString()}`);
    this.name = 'ReplayPricesMissingError';
  }
}

/** The competition's feed is a team's own adapter, which a replay cannot fetch from outside the app. */
export class ReplayFeedUnavailableError extends Error {
  constructor(adapter: string) {
    super(`the competition's feed adapter "${adapter}" is not a built-in one, so the replay cannot fetch from it: pass --prices FILE`);
    this.name = 'ReplayFeedUnavailableError';
  }
}

/**
 * The prices of a replay, over the range and the feed's history window before it (what the first
 * tick sends the models): from the price file; else from the stored feed records of `databaseUrl`
 * (the competition's own feed series); else from the competition's feed, fetched for that span
 * and, with a database, stored there so the next replay reads them offline.
 */
export async function loadReplayPrices(request: {
  competition: CompetitionDefinition;
  range: ReplayRange;
  pricesFile?: string;
  databaseUrl?: string;
  /** Where progress lines go (what is fetched, what is stored). */
  report: (line: string) => void;
}): Promise<{ prices: ReplayPrices; origin: PriceOrigin }> {
  const { competition, range } = request;
  const span = { fromMs: range.fromMs - competition.feed.historySeconds * 1000, toMs: range.toMs };
  const subjects = competition.feed.subjects;
  if (request.pricesFile) {
    const prices = await readPriceFile(request.pricesFile);
    const missing = prices.missingIn(subjects, range.fromMs, range.toMs);
    if (missing.length > 0) throw new ReplayPricesMissingError(request.pricesFile, missing, range);
    return { prices, origin: { kind: 'file', file: request.pricesFile } };
  }
  if (!request.databaseUrl) {
    const prices = await fetchFromFeed(competition, span, request.report);
    assertCovers(prices, subjects, range, `the ${competition.feed.adapter} feed`);
    return { prices, origin: { kind: 'feed', adapter: competition.feed.adapter, records: prices.count(), storedInDatabase: false } };
  }
  const dataSource = await openDatabase(request.databaseUrl, { embedded: false });
  try {
    const repository = new FeedRecordRepository(dataSource);
    const series = competitionFeedSeries(competition);
    const stored = await readStored(repository, series, competition, span);
    if (stored.missingIn(subjects, range.fromMs, range.toMs).length === 0) return { prices: stored, origin: { kind: 'database', records: stored.count() } };
    const prices = await fetchFromFeed(competition, span, request.report);
    assertCovers(prices, subjects, range, `the ${competition.feed.adapter} feed`);
    for (const subject of prices.subjects()) await repository.insert(series, prices.records(subject, span.fromMs, span.toMs, competition.tick.valueField));
    request.report(`stored ${prices.count()} fetched prices in the database (series ${series.source}): the next replay of this range reads them offline`);
    return { prices, origin: { kind: 'feed', adapter: competition.feed.adapter, records: prices.count(), storedInDatabase: true } };
  } finally {
    await dataSource.destroy();
  }
}

async function readStored(repository: FeedRecordRepository, series: FeedSeries, competition: CompetitionDefinition, span: ReplayRange): Promise<ReplayPrices> {
  const points = new Map<string, PricePoint[]>();
  for (const subject of competition.feed.subjects) {
    const list: PricePoint[] = [];
    for (const record of await repository.range(series, subject, span.fromMs, span.toMs)) {
      const price = record.values[competition.tick.valueField];
      if (typeof price === 'number' && Number.isFinite(price) && price > 0) list.push({ ts: record.ts, price });
    }
    if (list.length > 0) points.set(subject, list);
  }
  return new ReplayPrices(points);
}

/** Fetches the span from the competition's (built-in) feed adapter, validated as the live data source does. */
async function fetchFromFeed(competition: CompetitionDefinition, span: ReplayRange, report: (line: string) => void): Promise<ReplayPrices> {
  const adapter = builtInAdapter(competition.feed.adapter);
  const feed = adapter.create(competition.feed.options, {
    source: competition.feed.adapter,
    subjects: competition.feed.subjects,
    granularitySeconds: competition.feed.granularity,
    nowMs: () => span.toMs,
  });
  const validator = new FeedRecordValidator(competition.feed.adapter);
  const rules = { valueField: competition.tick.valueField, requirePositive: true, subjects: new Set(competition.feed.subjects), latestAcceptableTs: span.toMs };
  const points = new Map<string, PricePoint[]>();
  try {
    for (const subject of competition.feed.subjects) {
      report(`fetching ${subject} from the ${competition.feed.adapter} feed, ${new Date(span.fromMs).toISOString()}..${new Date(span.toMs).toISOString()}`);
      const list: PricePoint[] = [];
      let page = 0;
      for await (const records of feedPages(feed.fetchRange(subject, span.fromMs, span.toMs))) {
        const { kept } = validator.validate(records, rules, `${subject} page ${++page}`);
        for (const r of kept) if (r.subject === subject) list.push({ ts: r.ts, price: r.values[competition.tick.valueField] });
      }
      if (list.length > 0) points.set(subject, dedupeByTs(list));
    }
  } finally {
    await feed.close?.();
  }
  return new ReplayPrices(points);
}

function builtInAdapter(name: string): FeedAdapterProvider {
  for (const adapter of BUILT_IN_FEED_ADAPTERS) {
    if (Reflect.getMetadata(FeedAdapterMarker.KEY, adapter) === name) return new (adapter as new () => FeedAdapterProvider)();
  }
  throw new ReplayFeedUnavailableError(name);
}

/** The last record of a timestamp wins, as in the live data source. */
function dedupeByTs(list: PricePoint[]): PricePoint[] {
  const byTs = new Map<number, PricePoint>();
  for (const p of list) byTs.set(p.ts, p);
  return [...byTs.values()];
}

function assertCovers(prices: ReplayPrices, subjects: readonly string[], range: ReplayRange, where: string): void {
  const missing = prices.missingIn(subjects, range.fromMs, range.toMs);
  if (missing.length > 0) throw new ReplayPricesMissingError(where, missing, range);
}

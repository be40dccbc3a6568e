import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { from, Subscription } from 'rxjs';
import { Clock } from '../clock/clock';
import { JobScheduler } from '../clock/job-scheduler';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import { RecurringJob } from '../clock/recurring-job.decorator';
import { BeforeJobsArmed } from '../clock/scheduled-jobs.service';
import { Feed, feedPages, FeedRecord, isAsyncIterable } from './feed';
import { competitionFeedSeries, FeedRecordRepository, FeedSeries } from './feed-record.repository';
import { FeedRecordValidator, ValidationRules } from './feed-record-validator';
import { FeedRegistry } from './feed-registry';
import { GroundTruthQuery, GroundTruthResult, ObservationLookup, realisedTargets } from './ground-truth';
import { PriceWindow } from './price-window';

export interface FeedHealth {
  status: 'up' | 'stale' | 'down';
  source: string;
  lastSuccessAt: string | null;
  lastError: string | null;
  subjects: Record<string, { newestTs: string | null }>;
}

/** Tick payload: `{subject: [[ts_seconds, value], ...]}`, oldest first. */
export type TickPayload = Record<string, Array<[number, number]>>;

/** Records stamped this far ahead of the clock are rejected (clock skew allowance). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** However old the watermark, one poll never backfills more than this (or the history, if longer). */
const MAX_BACKFILL_MS = 7 * 86_400_000;
/** The feed's recurring jobs, named after its source (several sources never share a name). */
const pollJobName = (competition: CompetitionDefinition) => `feed-poll:${competition.feed.adapter}`;
const retentionJobName = (competition: CompetitionDefinition) => `feed-poll:${competition.feed.adapter}:retention`;
/** Streamed records are written in batches of at most this many between polls. */
const STREAM_FLUSH_SIZE = 5_000;

/**
 * The competition's data: polls its feed on the clock, validates, persists (deduped) and keeps a
 * bounded in-memory window per subject; serves tick payloads and ground truth.
 *
 * @example
 *   await dataSource.start();
 *   const payload = dataSource.tickPayload({ sinceMs: lastTickMs }); // { BTC: [[1767225600, 87012.5]] }
 *   const truth = await dataSource.groundTruth({ subject: 'BTC', performedAtMs, horizon: 3600, step: 60, target: 'log-return' });
 */
@Injectable()
export class DataSourceService implements OnApplicationShutdown, BeforeJobsArmed {
  private readonly logger: Logger;
  private readonly source: string;
  private readonly series: FeedSeries;
  private readonly validator: FeedRecordValidator;
  private readonly windows = new Map<string, PriceWindow>();
  /** Newest persisted ts per subject: the next poll asks from just after it. */
  private readonly watermarks = new Map<string, number>();
  private subjects: string[];
  private feed?: Feed;
  private streamSubscription?: Subscription;
  private streamed: FeedRecord[] = [];
  private refreshing?: Promise<void>;
  private started = false;
  private lastSuccessAt: number | null = null;
  private lastErrorAt: number | null = null;
  private lastError: string | null = null;

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly registry: FeedRegistry,
    private readonly repository: FeedRecordRepository,
    private readonly clock: Clock,
    private readonly scheduler: JobScheduler,
  ) {
    this.source = competition.feed.adapter;
    this.series = competitionFeedSeries(competition);
    this.logger = new Logger(`DataSource:${this.source}`);
    this.validator = new FeedRecordValidator(this.source);
    this.subjects = [...competition.feed.subjects];
    for (const subject of this.subjects) this.windows.set(subject, new PriceWindow(this.historyMs));
  }

  private get historyMs(): number {
    return this.competition.feed.historySeconds * 1000;
  }

  private get stalenessMs(): number {
    return this.competition.feed.stalenessSeconds * 1000;
  }

  private get valueField(): string {
    return this.competition.tick.valueField;
  }

  /** Builds the feed, loads the window from the database and catches up from the watermark (the poll job then keeps it current). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const feed = this.registry.create(this.source, this.competition.feed.options, {
      source: this.source,
      subjects: this.subjects,
      granularitySeconds: this.competition.feed.granularity,
      nowMs: () => this.clock.nowMs(),
    });
    this.feed = feed;
    if (this.subjects.length === 0) {
      this.subjects = await feed.listSubjects();
      for (const subject of this.subjects) this.windows.set(subject, new PriceWindow(this.historyMs));
    }
    await this.loadPersisted();
    this.logger.log(
      `source ${this.source}: ${this.subjects.length} subjects, resuming after ${this.describeWatermarks()}, polling every ${this.competition.feed.pollSeconds}s`,
    );
    await this.refresh();
    this.subscribeStream();
  }

  /** The feed is started (window loaded, caught up) before any job is armed, so the first tick has data. */
  async beforeJobsArmed(): Promise<void> {
    await this.start();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.scheduler.unregister(pollJobName(this.competition));
    this.scheduler.unregister(retentionJobName(this.competition));
    this.streamSubscription?.unsubscribe();
    this.streamSubscription = undefined;
    await this.refreshing?.catch(() => undefined);
    await this.flushStreamed().catch((err) => this.logger.error(`source ${this.source}: could not store streamed records on stop: ${message(err)}`));
    await this.feed?.close?.();
    this.feed = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** One poll now (and every `feed.pollSeconds`): fetch since the watermark, validate, persist (deduped), add to the window. */
  @RecurringJob({ name: pollJobName, roles: ['predict', 'score'], everyMs: (c) => c.feed.pollSeconds * 1000 })
  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.poll().finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  /** `{subject: [[ts_seconds, value], ...]}`: the whole window when `sinceMs` is undefined, else points after it. */
  tickPayload(opts: { sinceMs?: number } = {}): TickPayload {
    const payload: TickPayload = {};
    for (const subject of this.subjects) {
      const window = this.windows.get(subject)!;
      payload[subject] = window.since(opts.sinceMs).map((o) => [o.ts / 1000, o.value]);
    }
    return payload;
  }

  /** The newest observation time over all subjects (epoch ms), or null before any data. */
  latestTimestamp(): number | null {
    let newest: number | null = null;
    for (const window of this.windows.values()) {
      const ts = window.newestTs();
      if (ts !== null && (newest === null || ts > newest)) newest = ts;
    }
    return newest;
  }

  /** Realised targets of a prediction, from the window or, for older predictions, from the database. */
  async groundTruth(q: GroundTruthQuery): Promise<GroundTruthResult> {
    const window = this.windows.get(q.subject);
    if (!window) return { ok: false, reason: `unknown subject "${q.subject}" (feed subjects: ${this.subjects.join(', ')})`, retryable: false };
    const earliestNeeded = q.performedAtMs - this.stalenessMs;
    const coversFrom = window.coversFrom();
    if (coversFrom !== null && earliestNeeded >= coversFrom) return realisedTargets(q, window, this.stalenessMs);
    const latestNeeded = q.performedAtMs + Math.max(0, q.horizon) * 1000 + this.stalenessMs;
    try {
      const stored = await this.repository.range(this.series, q.subject, earliestNeeded, latestNeeded);
      const past = new PriceWindow(latestNeeded - earliestNeeded + 1);
      for (const record of stored) {
        const value = record.values?.[this.valueField];
        if (typeof value === 'number' && Number.isFinite(value)) past.insert(record.ts, value);
      }
      const lookup: ObservationLookup = {
        nearest: (ts, maxDistanceMs) => past.nearest(ts, maxDistanceMs),
        newestTs: () => maxOf(past.newestTs(), window.newestTs(), this.watermarks.get(q.subject) ?? null),
      };
      return realisedTargets(q, lookup, this.stalenessMs);
    } catch (err) {
      return { ok: false, reason: `${q.subject}: could not read stored records: ${message(err)}`, retryable: true };
    }
  }

  health(): FeedHealth {
    const subjects: FeedHealth['subjects'] = {};
    for (const subject of this.subjects) {
      const newest = this.windows.get(subject)?.newestTs() ?? null;
      subjects[subject] = { newestTs: newest === null ? null : new Date(newest).toISOString() };
    }
    return {
      status: this.status(),
      source: this.source,
      lastSuccessAt: this.lastSuccessAt === null ? null : new Date(this.lastSuccessAt).toISOString(),
      lastError: this.lastError,
      subjects,
    };
  }

  /** Retention, hourly: stored records older than retention.feedRecordsDays (deleting twice is harmless). */
  @RecurringJob({ name: retentionJobName, roles: ['predict', 'score'], everyMs: () => 3_600_000, offsetMs: () => 45_000 })
  async pruneExpiredRecords(): Promise<void> {
    await this.pruneRecords(this.clock.nowMs() - this.competition.retention.feedRecordsDays * 86_400_000);
  }

  /** Retention: deletes stored records older than `olderThanMs`; returns how many. */
  async pruneRecords(olderThanMs: number): Promise<number> {
    const deleted = await this.repository.deleteOlderThan(olderThanMs);
    if (deleted > 0) this.logger.log(`pruned ${deleted} feed records older than ${new Date(olderThanMs).toISOString()}`);
    return deleted;
  }

  private status(): FeedHealth['status'] {
    if (this.lastSuccessAt === null) return 'down';
    if (this.lastErrorAt !== null && this.lastErrorAt >= this.lastSuccessAt) return 'stale';
    const overdueMs = 3 * this.competition.feed.pollSeconds * 1000;
    return this.clock.nowMs() - this.lastSuccessAt > overdueMs ? 'stale' : 'up';
  }

  private async loadPersisted(): Promise<void> {
    const now = this.clock.nowMs();
    const marks = await this.repository.watermarks(this.series);
    for (const subject of this.subjects) {
      const mark = marks.get(subject);
      if (mark !== undefined) this.watermarks.set(subject, mark);
      const records = await this.repository.range(this.series, subject, now - this.historyMs, now);
      this.addToWindow(records);
    }
  }

  private async poll(): Promise<void> {
    const feed = this.feed;
    if (!feed) return;
    const failures: string[] = [];
    try {
      await this.flushStreamed();
    } catch (err) {
      failures.push(`storing streamed records: ${message(err)}`);
    }
    // The subjects' new records are stored together, one insert per poll rather than per subject.
    const fresh: FeedRecord[] = [];
    for (const subject of this.subjects) {
      try {
        await this.catchUp(feed, subject, fresh);
      } catch (err) {
        failures.push(`${subject}: ${message(err)}`);
      }
    }
    try {
      await this.storeFresh(fresh);
    } catch (err) {
      failures.push(`storing ${[...new Set(fresh.map((r) => r.subject))].join(', ')}: ${message(err)}`);
    }
    const now = this.clock.nowMs();
    if (failures.length === 0) {
      if (this.lastError !== null) this.logger.log(`source ${this.source}: recovered`);
      this.lastSuccessAt = now;
      this.lastError = null;
      return;
    }
    this.lastErrorAt = now;
    this.lastError = failures.join('; ');
    this.logger.error(`source ${this.source}: poll failed, the feed is stale until the next good poll: ${this.lastError}`);
  }

  /** Fetches a subject's records since its watermark into `fresh` (stored whenever it holds STREAM_FLUSH_SIZE records). */
  private async catchUp(feed: Feed, subject: string, fresh: FeedRecord[]): Promise<void> {
    const now = this.clock.nowMs();
    const oldestWanted = now - Math.max(this.historyMs, MAX_BACKFILL_MS);
    const mark = this.watermarks.get(subject);
    const fromMs = mark === undefined ? now - this.historyMs : Math.max(mark + 1, oldestWanted);
    if (fromMs > now) return;
    let page = 0;
    for await (const records of feedPages(feed.fetchRange(subject, fromMs, now))) {
      page++;
      const label = `${subject} ${new Date(fromMs).toISOString()}..${new Date(now).toISOString()} page ${page}`;
      const { kept } = this.validator.validate(records, this.rules(), label);
      const ofSubject = kept.filter((r) => r.subject === subject);
      if (ofSubject.length === 0) continue;
      this.addToWindow(ofSubject);
      for (const record of ofSubject) fresh.push(record);
      if (fresh.length >= STREAM_FLUSH_SIZE) await this.storeFresh(fresh);
    }
  }

  /** Stores `fresh` and advances the watermarks past it, emptying it; on failure it is left as it was (the next poll fetches it again). */
  private async storeFresh(fresh: FeedRecord[]): Promise<void> {
    if (fresh.length === 0) return;
    await this.repository.insert(this.series, fresh);
    this.advanceWatermarks(fresh);
    fresh.length = 0;
  }

  private subscribeStream(): void {
    const feed = this.feed;
    if (!feed?.stream || this.streamSubscription) return;
    const live = feed.stream(this.subjects);
    const observable = isAsyncIterable<FeedRecord>(live) ? from(live) : live;
    this.streamSubscription = observable.subscribe({
      next: (record) => this.acceptStreamed(record),
      error: (err) => {
        this.lastErrorAt = this.clock.nowMs();
        this.lastError = `stream: ${message(err)}`;
        this.logger.error(`source ${this.source}: stream ended with an error: ${message(err)}`);
        this.streamSubscription = undefined;
      },
    });
  }

  private acceptStreamed(record: FeedRecord): void {
    const { kept } = this.validator.validate([record], this.rules(), 'stream');
    if (kept.length === 0) return;
    this.addToWindow(kept);
    this.streamed.push(...kept);
    this.lastSuccessAt = this.clock.nowMs();
    if (this.streamed.length >= STREAM_FLUSH_SIZE) void this.flushStreamed().catch((err) => this.logger.error(`source ${this.source}: ${message(err)}`));
  }

  private async flushStreamed(): Promise<void> {
    if (this.streamed.length === 0) return;
    const batch = this.streamed;
    this.streamed = [];
    try {
      await this.repository.insert(this.series, batch);
      this.advanceWatermarks(batch);
    } catch (err) {
      this.streamed = batch.concat(this.streamed);
      throw err;
    }
  }

  private addToWindow(records: readonly FeedRecord[]): void {
    for (const record of records) {
      const value = record.values?.[this.valueField];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      this.windows.get(record.subject)?.insert(record.ts, value);
    }
  }

  private advanceWatermarks(records: readonly FeedRecord[]): void {
    for (const record of records) {
      const mark = this.watermarks.get(record.subject);
      if (mark === undefined || record.ts > mark) this.watermarks.set(record.subject, record.ts);
    }
  }

  private rules(): ValidationRules {
    return {
      valueField: this.valueField,
      requirePositive: true,
      subjects: new Set(this.subjects),
      latestAcceptableTs: this.clock.nowMs() + FUTURE_TOLERANCE_MS,
    };
  }

  private describeWatermarks(): string {
    if (this.watermarks.size === 0) return 'nothing stored (backfilling the history window)';
    return [...this.watermarks].map(([subject, ts]) => `${subject} ${new Date(ts).toISOString()}`).join(', ');
  }
}

function maxOf(...values: Array<number | null>): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && (best === null || v > best)) best = v;
  return best;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

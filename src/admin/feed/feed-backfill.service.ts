import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { Feed, feedPages } from '../../data-source/feed';
import { competitionFeedSeries, FeedRecordRepository, FeedSeries } from '../../data-source/feed-record.repository';
import { FeedRecordValidator, ValidationRules } from '../../data-source/feed-record-validator';
import { FeedRegistry } from '../../data-source/feed-registry';
import { invalidField } from '../../http/request-fields';
import { FeedBackfillDto, MAX_BACKFILL_DAYS, SubjectBackfillDto } from './feed-backfill.dto';

/** Records stamped this far ahead of the clock are refused, as the live poll refuses them. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export interface BackfillRequest {
  subject?: string;
  fromMs: number;
  toMs: number;
}

/**
 * Fills a gap in the stored feed (an outage of the source, a bad poll): fetches `[from, to]`
 * through the competition's own feed adapter, validates the records as the live poll does, and
 * stores them in `feed_records`, where the unique key (source, subject, kind, granularity, ts)
 * makes a second backfill of the same range store nothing. It builds its own instance of the
 * adapter, closed afterwards, so it runs on whichever instance serves the admin API; the
 * running data source's in-memory window is not touched (scoring reads the stored records for
 * anything older than that window).
 *
 * @example
 *   await backfill.run({ subject: 'BTC', fromMs: Date.parse('2026-01-01T00:00Z'), toMs: Date.parse('2026-01-01T06:00Z') });
 *   // { source: 'pyth-benchmarks', subjects: [{ subject: 'BTC', fetched: 361, skipped: 0, stored: 12 }], stored: 12, ... }
 */
@Injectable()
export class FeedBackfillService {
  private readonly logger = new Logger(FeedBackfillService.name);

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly registry: FeedRegistry,
    private readonly records: FeedRecordRepository,
  ) {}

  /** The stored series, named exactly as the data source names it, so both write the same rows. */
  private get series(): FeedSeries {
    return competitionFeedSeries(this.competition);
  }

  async run(request: BackfillRequest): Promise<FeedBackfillDto> {
    this.checkRange(request);
    const { feed: settings } = this.competition;
    const feed = this.registry.create(settings.adapter, settings.options, {
      source: settings.adapter,
      subjects: [...settings.subjects],
      granularitySeconds: settings.granularity,
      nowMs: () => this.clock.nowMs(),
    });
    try {
      const known = settings.subjects.length > 0 ? [...settings.subjects] : await feed.listSubjects();
      if (request.subject !== undefined && !known.includes(request.subject)) {
        throw invalidField('subject', `"${request.subject}" is not a subject of this competition (${known.join(', ')})`);
      }
      const subjects = request.subject !== undefined ? [request.subject] : known;
      const results: SubjectBackfillDto[] = [];
      for (const subject of subjects) results.push(await this.backfillSubject(feed, subject, new Set(known), request));
      const stored = results.reduce((sum, r) => sum + r.stored, 0);
      this.logger.log(`backfilled ${settings.adapter} ${subjects.join(', ')} ${iso(request.fromMs)}..${iso(request.toMs)}: ${stored} record(s) stored`);
      return { source: settings.adapter, from: iso(request.fromMs), to: iso(request.toMs), subjects: results, stored };
    } finally {
      await feed.close?.();
    }
  }

  private checkRange({ fromMs, toMs }: BackfillRequest): void {
    if (!(fromMs < toMs)) throw invalidField('to', `must be after from (${iso(fromMs)})`);
    if (toMs - fromMs > MAX_BACKFILL_DAYS * DAY_MS) throw invalidField('to', `the range may span at most ${MAX_BACKFILL_DAYS} days; split it into several backfills`);
    if (toMs > this.clock.nowMs() + FUTURE_TOLERANCE_MS) throw invalidField('to', `is in the future (now is ${iso(this.clock.nowMs())})`);
  }

  private async backfillSubject(feed: Feed, subject: string, known: ReadonlySet<string>, { fromMs, toMs }: BackfillRequest): Promise<SubjectBackfillDto> {
    const validator = new FeedRecordValidator(this.competition.feed.adapter);
    const rules: ValidationRules = {
      valueField: this.competition.tick.valueField,
      requirePositive: true,
      subjects: known,
      latestAcceptableTs: this.clock.nowMs() + FUTURE_TOLERANCE_MS,
    };
    const result: SubjectBackfillDto = { subject, fetched: 0, skipped: 0, stored: 0 };
    let page = 0;
    for await (const records of feedPages(feed.fetchRange(subject, fromMs, toMs))) {
      page++;
      result.fetched += records.length;
      const { kept, skipped } = validator.validate(records, rules, `backfill ${subject} ${iso(fromMs)}..${iso(toMs)} page ${page}`);
      result.skipped += skipped;
      const inRange = kept.filter((r) => r.subject === subject && r.ts >= fromMs && r.ts <= toMs);
      if (inRange.length > 0) result.stored += await this.records.insert(this.series, inRange);
    }
    return result;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

import { Injectable } from '@nestjs/common';
import { FEED_TAIL_DEFAULT_LIMIT, FeedRecordDto, FeedSeriesDto } from '../dto/feed.dto';
import { asObject, isoUtc, isoUtcOrNull } from '../read-model/json-fields';
import { FeedFilter, ReportRepository } from '../report.repository';
import { Paged } from './score-history.service';

/** How many distinct feed series `GET /reports/feeds` lists at most. */
export const FEED_SERIES_LIMIT = 1_000;

/**
 * What the data source has stored: one line per feed series, and the newest records of one.
 *
 * @example
 *   const { items } = await feeds.series();
 *   items[0].newest_ts // '2025-01-01T12:00:00.000Z'
 */
@Injectable()
export class FeedReportService {
  constructor(private readonly repository: ReportRepository) {}

  async series(): Promise<Paged<FeedSeriesDto>> {
    const result = await this.repository.feedSeries(FEED_SERIES_LIMIT);
    return {
      items: result.rows.map((r) => ({
        source: r.source,
        subject: r.subject,
        kind: r.kind,
        granularity: r.granularity,
        record_count: Number(r.record_count),
        oldest_ts: isoUtcOrNull(r.oldest_ts),
        newest_ts: isoUtcOrNull(r.newest_ts),
        watermark_ts: isoUtcOrNull(r.watermark_ts),
      })),
      page: { hasMore: result.hasMore },
    };
  }

  async tail(filter: FeedFilter, limit = FEED_TAIL_DEFAULT_LIMIT): Promise<FeedRecordDto[]> {
    const rows = await this.repository.feedTail(filter, limit);
    return rows.map((r) => ({
      source: r.source,
      subject: r.subject,
      kind: r.kind,
      granularity: r.granularity,
      ts: isoUtc(r.ts),
      values: asObject(r.values) ?? {},
      received_at: isoUtc(r.received_at),
    }));
  }
}

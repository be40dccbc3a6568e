import { Injectable } from '@nestjs/common';
import { FeedRecordRepository, StoredFeedRecord, StoredRecordFilter, StoredSeriesSummary } from '../../data-source/feed-record.repository';
import { FEED_TAIL_DEFAULT_LIMIT, FeedRecordDto, FeedSeriesDto } from '../dto/feed.dto';
import { isoUtc, isoUtcOrNull } from '../read-model/iso-utc';
import { Paged, splitPage } from './paged';

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
  constructor(private readonly records: FeedRecordRepository) {}

  async series(): Promise<Paged<FeedSeriesDto>> {
    const result = splitPage(await this.records.summaries(FEED_SERIES_LIMIT + 1), FEED_SERIES_LIMIT);
    return { items: result.rows.map(seriesDto), page: { hasMore: result.hasMore } };
  }

  async tail(filter: StoredRecordFilter, limit = FEED_TAIL_DEFAULT_LIMIT): Promise<FeedRecordDto[]> {
    return (await this.records.latest(filter, limit)).map(recordDto);
  }
}

/**
 * The data source resumes from the newest stored record, so that record's time is the series'
 * watermark (`watermark_ts`, event time, as the web app reads it) and the newest arrival is when
 * the watermark last moved (`watermark_updated_at`, wall-clock time).
 */
function seriesDto(r: StoredSeriesSummary): FeedSeriesDto {
  const { source, subject, kind, granularity } = r;
  const newest = isoUtcOrNull(r.newestTs);
  return {
    source,
    subject,
    kind,
    granularity,
    record_count: r.recordCount,
    oldest_ts: isoUtcOrNull(r.oldestTs),
    newest_ts: newest,
    watermark_ts: newest,
    watermark_updated_at: isoUtcOrNull(r.watermarkTs),
  };
}

/** The web app's fields (`ts_event`, `ts_ingested`, `meta`) first, then the earlier names `ts` and `received_at`, kept as aliases. */
function recordDto(r: StoredFeedRecord): FeedRecordDto {
  const { source, subject, kind, granularity, values } = r;
  const ts = isoUtc(r.ts);
  const receivedAt = isoUtc(r.receivedAt);
  return { source, subject, kind, granularity, ts_event: ts, ts_ingested: receivedAt, values, meta: {}, ts, received_at: receivedAt };
}

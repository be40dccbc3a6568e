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

function seriesDto(r: StoredSeriesSummary): FeedSeriesDto {
  const { source, subject, kind, granularity } = r;
  return { source, subject, kind, granularity, record_count: r.recordCount, oldest_ts: isoUtcOrNull(r.oldestTs), newest_ts: isoUtcOrNull(r.newestTs), watermark_ts: isoUtcOrNull(r.watermarkTs) };
}

function recordDto(r: StoredFeedRecord): FeedRecordDto {
  const { source, subject, kind, granularity, values } = r;
  return { source, subject, kind, granularity, ts: isoUtc(r.ts), values, received_at: isoUtc(r.receivedAt) };
}

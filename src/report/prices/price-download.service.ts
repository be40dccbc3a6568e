import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { competitionFeedSeries, FeedRecordRepository, FeedSeries } from '../../data-source/feed-record.repository';
import { invalidParameter } from '../query/report-validation.pipe';
import { timeRange } from '../query/time-range';
import {
  PRICE_DOWNLOAD_MAX_RANGE_DAYS,
  PRICE_DOWNLOAD_MAX_ROWS,
  PRICE_DOWNLOAD_PAGE_ROWS,
  PriceDownloadQuery,
  PriceFileFormat,
} from './price-download.dto';
import type { PriceRow } from './price-file';

/** A checked download request: which subjects, which inclusive range (epoch ms), which format. */
export interface PriceDownload {
  subjects: string[];
  fromMs: number;
  toMs: number;
  format: PriceFileFormat;
  /** Rows the range holds (counted before streaming). */
  rows: number;
}

const DAY_MS = 86_400_000;

/**
 * The prices a participant downloads to train and backtest: the competition's stored feed
 * records (its source, kind `price`, its granularity) with the tick value field as the price,
 * read one keyset page at a time so a download never holds more than a page in memory.
 *
 * @example
 *   const download = await prices.check(query);        // 400 / 404 before any byte is sent
 *   for await (const rows of prices.pages(download)) res.write(file.page(rows));
 */
@Injectable()
export class PriceDownloadService {
  private readonly series: FeedSeries;

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly records: FeedRecordRepository,
  ) {
    this.series = competitionFeedSeries(competition);
  }

  /** Validates the range, the subjects and the size: 400 naming the parameter, 404 naming an unknown subject. */
  async check(query: PriceDownloadQuery): Promise<PriceDownload> {
    const { start, end } = timeRange(query.from, query.to, 'from', 'to');
    const fromMs = start.getTime();
    const toMs = end.getTime();
    if (toMs - fromMs > PRICE_DOWNLOAD_MAX_RANGE_DAYS * DAY_MS) {
      throw invalidParameter('to', `must be at most ${PRICE_DOWNLOAD_MAX_RANGE_DAYS} days after from (download longer ranges in pieces)`);
    }
    const subjects = [...new Set(query.subject)];
    // A feed that lists its subjects at runtime (no subjects in the file) cannot name unknown ones.
    const known = this.competition.feed.subjects;
    const unknown = known.length > 0 ? subjects.filter((s) => !known.includes(s)) : [];
    if (unknown.length > 0) {
      throw new NotFoundException(`unknown subject ${unknown.map((s) => JSON.stringify(s.slice(0, 40))).join(', ')} (this competition's feed provides ${known.join(', ')})`);
    }
    const rows = await this.records.countRange(this.series, subjects, fromMs, toMs);
    if (rows > PRICE_DOWNLOAD_MAX_ROWS) {
      throw invalidParameter('to', `the range holds ${rows} rows, more than ${PRICE_DOWNLOAD_MAX_ROWS} in one download: narrow it or name fewer subjects`);
    }
    return { subjects, fromMs, toMs, format: query.format ?? 'csv', rows };
  }

  /** The rows of a checked download, one page (at most PRICE_DOWNLOAD_PAGE_ROWS) at a time, by subject then ts. */
  async *pages(download: PriceDownload, pageRows = PRICE_DOWNLOAD_PAGE_ROWS): AsyncGenerator<PriceRow[]> {
    const field = this.competition.tick.valueField;
    for (const subject of download.subjects) {
      let after: number | null = null;
      for (;;) {
        const values = await this.records.valuePage(this.series, subject, field, download.fromMs, download.toMs, after, pageRows);
        if (values.length === 0) break;
        const rows: PriceRow[] = [];
        // The data source stores validated records; one without the field has no price to give.
        for (const { ts, value } of values) if (value !== null && Number.isFinite(value)) rows.push({ subject, ts, price: value });
        if (rows.length > 0) yield rows;
        if (values.length < pageRows) break;
        after = values[values.length - 1].ts;
      }
    }
  }

  /** `prices_BTC-ETH_20260101T000000Z_20260102T000000Z.csv` */
  fileName(download: PriceDownload, extension: string): string {
    const subjects = download.subjects.join('-').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
    return `prices_${subjects}_${stamp(download.fromMs)}_${stamp(download.toMs)}.${extension}`;
  }
}

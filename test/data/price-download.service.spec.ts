import { BadRequestException } from '@nestjs/common';
import type { FeedRecordRepository, FeedSeries, StoredValue } from '../../src/data-source/feed-record.repository';
import { PRICE_DOWNLOAD_MAX_ROWS } from '../../src/report/prices/price-download.dto';
import { PriceDownloadService } from '../../src/report/prices/price-download.service';
import { demoCompetition } from '../report/support/report-test-app';

/** A typed fake of the two repository reads the download makes. */
class FakeRecords {
  rows = 0;
  values: StoredValue[] = [];
  pages: Array<{ afterMs: number | null; limit: number }> = [];

  async countRange(_series: FeedSeries, _subjects: readonly string[]): Promise<number> {
    return this.rows;
  }

  async valuePage(_series: FeedSeries, _subject: string, _field: string, _fromMs: number, _toMs: number, afterMs: number | null, limit: number): Promise<StoredValue[]> {
    this.pages.push({ afterMs, limit });
    return this.values.filter((v) => afterMs === null || v.ts > afterMs).slice(0, limit);
  }
}

const query = { subject: ['BTC'], from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' };

describe('PriceDownloadService', () => {
  it('refuses, naming `to`, a range holding more than the row limit, before any page is read', async () => {
    const records = new FakeRecords();
    records.rows = PRICE_DOWNLOAD_MAX_ROWS + 1;
    const service = new PriceDownloadService(demoCompetition(), records as unknown as FeedRecordRepository);
    const refused = await service.check(query).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestException);
    expect((refused as BadRequestException).getResponse()).toMatchObject({ parameters: ['to'], message: `Invalid query parameter to: the range holds ${PRICE_DOWNLOAD_MAX_ROWS + 1} rows, more than ${PRICE_DOWNLOAD_MAX_ROWS} in one download: narrow it or name fewer subjects` });
    expect(records.pages).toEqual([]);
  });

  it('leaves out records without a number in the value field but keeps paging past them', async () => {
    const records = new FakeRecords();
    records.values = [{ ts: 1, value: 10 }, { ts: 2, value: null }, { ts: 3, value: 12 }, { ts: 4, value: null }, { ts: 5, value: 14 }];
    const service = new PriceDownloadService(demoCompetition(), records as unknown as FeedRecordRepository);
    const download = { subjects: ['BTC'], fromMs: 0, toMs: 10, format: 'csv' as const, rows: 5 };
    const pages: number[][] = [];
    for await (const rows of service.pages(download, 2)) pages.push(rows.map((r) => r.price));
    expect(pages).toEqual([[10], [12], [14]]);
    expect(records.pages.map((p) => p.afterMs)).toEqual([null, 2, 4]);
  });
});

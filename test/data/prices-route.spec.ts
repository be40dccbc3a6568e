import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { FeedRecordRepository } from '../../src/data-source/feed-record.repository';
import { PRICE_DOWNLOAD_PAGE_ROWS } from '../../src/report/prices/price-download.dto';
import { describeEachEngine } from '../support/test-database';
import { demoCompetition, ReportTestApp, startReportApp } from '../report/support/report-test-app';

const competition = demoCompetition(); // feed: synthetic, 5 s granularity, value field `price`
const SERIES = { source: competition.feed.adapter, kind: 'price', granularity: `${competition.feed.granularity}s` };
const T0 = Date.UTC(2026, 0, 1);
const STEP_MS = competition.feed.granularity * 1000;
/** More than two pages of BTC, so a download crosses page boundaries. */
const BTC_ROWS = 2 * PRICE_DOWNLOAD_PAGE_ROWS + 2345;
const ETH_ROWS = 30;

const btcPrice = (i: number) => 60_000 + Math.sin(i / 50) * 250 + i / 7;
const ethPrice = (i: number) => 3_000 + i * 0.125;
const iso = (ms: number) => new Date(ms).toISOString();

interface Row {
  subject: string;
  ts: number;
  price: number;
}

function parseCsv(text: string): { header: string; rows: Row[] } {
  const [header, ...lines] = text.trimEnd().split('\n');
  return {
    header,
    rows: lines.map((line) => {
      const [subject, ts, price] = line.split(',');
      return { subject, ts: Number(ts), price: Number(price) };
    }),
  };
}

describeEachEngine('GET /data/prices', (db) => {
  let t: ReportTestApp;
  let repository: FeedRecordRepository;

  beforeAll(async () => {
    const ds = db().dataSource;
    await ds.query('TRUNCATE feed_records');
    const records = new FeedRecordRepository(ds);
    await records.insert(SERIES, Array.from({ length: BTC_ROWS }, (_, i) => ({ subject: 'BTC', ts: T0 + i * STEP_MS, values: { price: btcPrice(i) } })));
    await records.insert(SERIES, Array.from({ length: ETH_ROWS }, (_, i) => ({ subject: 'ETH', ts: T0 + i * STEP_MS, values: { price: ethPrice(i) } })));
    // Another source's BTC must not leak into the competition's download.
    await records.insert({ ...SERIES, source: 'pyth' }, [{ subject: 'BTC', ts: T0 + STEP_MS / 2, values: { price: 1 } }]);
    t = await startReportApp(ds, { competition });
    repository = t.app.get(FeedRecordRepository);
  }, 120_000);

  afterAll(() => t?.close());
  afterEach(() => jest.restoreAllMocks());

  it('answers CSV `subject,ts,price` (epoch seconds) by subject then time, both bounds inclusive, as an attachment named after the request', async () => {
    const res = await fetch(`${t.url}/data/prices?subject=ETH,BTC&from=${iso(T0 + 10 * STEP_MS)}&to=${iso(T0 + 12 * STEP_MS)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="prices_ETH-BTC_20260101T000050Z_20260101T000100Z.csv"');
    expect(res.headers.get('x-row-count')).toBe('6');
    const text = await res.text();
    const ts = (i: number) => (T0 + i * STEP_MS) / 1000;
    expect(text).toBe(
      [
        'subject,ts,price',
        ...[10, 11, 12].map((i) => `ETH,${ts(i)},${ethPrice(i)}`),
        ...[10, 11, 12].map((i) => `BTC,${ts(i)},${btcPrice(i)}`),
        '',
      ].join('\n'),
    );
    // Shortest round-trip text: parsing gives the stored doubles exactly.
    expect(parseCsv(text).rows.find((r) => r.subject === 'BTC')!.price).toBe(btcPrice(10));
  });

  it('streams a range of several pages, reading it one keyset page at a time and never the whole range', async () => {
    const page = jest.spyOn(repository, 'valuePage');
    const range = jest.spyOn(repository, 'range');
    const res = await fetch(`${t.url}/data/prices?subject=BTC&from=${iso(T0)}&to=${iso(T0 + BTC_ROWS * STEP_MS)}`);
    const { rows } = parseCsv(await res.text());

    expect(rows).toHaveLength(BTC_ROWS);
    expect(rows.every((r, i) => r.ts === (T0 + i * STEP_MS) / 1000 && r.price === btcPrice(i))).toBe(true);
    expect(range).not.toHaveBeenCalled();
    // Pages of at most PRICE_DOWNLOAD_PAGE_ROWS, each resuming after the last ts of the one before.
    const calls = page.mock.calls.map(([, subject, field, , , after, limit]) => ({ subject, field, after, limit }));
    expect(calls).toEqual([
      { subject: 'BTC', field: 'price', after: null, limit: PRICE_DOWNLOAD_PAGE_ROWS },
      { subject: 'BTC', field: 'price', after: T0 + (PRICE_DOWNLOAD_PAGE_ROWS - 1) * STEP_MS, limit: PRICE_DOWNLOAD_PAGE_ROWS },
      { subject: 'BTC', field: 'price', after: T0 + (2 * PRICE_DOWNLOAD_PAGE_ROWS - 1) * STEP_MS, limit: PRICE_DOWNLOAD_PAGE_ROWS },
    ]);
    const pageSizes = await Promise.all(page.mock.results.map((r) => r.value as Promise<unknown[]>));
    expect(pageSizes.map((p) => p.length)).toEqual([PRICE_DOWNLOAD_PAGE_ROWS, PRICE_DOWNLOAD_PAGE_ROWS, 2345]);
  });

  it('answers Parquet that hyparquet reads back to the same rows as the CSV, one row group per page', async () => {
    const query = `subject=BTC,ETH&from=${iso(T0)}&to=${iso(T0 + BTC_ROWS * STEP_MS)}`;
    const csv = parseCsv(await (await fetch(`${t.url}/data/prices?${query}`)).text()).rows;
    const res = await fetch(`${t.url}/data/prices?${query}&format=parquet`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(res.headers.get('content-disposition')).toMatch(/filename="prices_BTC-ETH_20260101T000000Z_\d{8}T\d{6}Z\.parquet"$/);
    const file = await res.arrayBuffer();

    const metadata = parquetMetadata(file);
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([PRICE_DOWNLOAD_PAGE_ROWS, PRICE_DOWNLOAD_PAGE_ROWS, 2345, ETH_ROWS]);
    const objects = (await parquetReadObjects({ file })) as Array<{ subject: string; ts: Date; price: number }>;
    const rows: Row[] = objects.map((o) => ({ subject: o.subject, ts: o.ts.getTime() / 1000, price: o.price }));
    expect(rows).toHaveLength(BTC_ROWS + ETH_ROWS);
    expect(rows).toEqual(csv);
  });

  it('answers the header only (and an empty Parquet file) for a known subject without records in the range', async () => {
    const range = `from=${iso(T0 - 86_400_000)}&to=${iso(T0 - 1)}`;
    const csv = await fetch(`${t.url}/data/prices?subject=SOL&${range}`);
    expect([csv.status, csv.headers.get('x-row-count'), await csv.text()]).toEqual([200, '0', 'subject,ts,price\n']);
    const parquet = await fetch(`${t.url}/data/prices?subject=BTC&${range}&format=parquet`);
    const file = await parquet.arrayBuffer();
    expect(Number(parquetMetadata(file).num_rows)).toBe(0);
    expect(await parquetReadObjects({ file })).toEqual([]);
  });

  it.each([
    ['from after to', `subject=BTC&from=${iso(T0 + 1000)}&to=${iso(T0)}`, 'from', /must not be after to/],
    ['a range over 31 days', `subject=BTC&from=${iso(T0)}&to=${iso(T0 + 32 * 86_400_000)}`, 'to', /at most 31 days/],
    ['an unknown format', `subject=BTC&from=${iso(T0)}&to=${iso(T0 + 1000)}&format=xlsx`, 'format', /must be one of csv, parquet/],
    ['no subject', `from=${iso(T0)}&to=${iso(T0 + 1000)}`, 'subject', /subject is required/],
    ['a date that is not one', `subject=BTC&from=2026-02-30T00:00:00Z&to=${iso(T0)}`, 'from', /ISO-8601/],
    ['no to', `subject=BTC&from=${iso(T0)}`, 'to', /to is required/],
  ])('answers 400 naming the parameter for %s', async (_case, query, parameter, message) => {
    const res = await fetch(`${t.url}/data/prices?${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { parameters: string[]; message: string };
    expect(body.parameters).toEqual([parameter]);
    expect(body.message).toMatch(message);
  });

  it("answers 404 naming a subject the competition's feed does not provide", async () => {
    const res = await fetch(`${t.url}/data/prices?subject=BTC,DOGE&from=${iso(T0)}&to=${iso(T0 + 1000)}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toBe('unknown subject "DOGE" (this competition\'s feed provides BTC, ETH, SOL, XAU)');
  });

  it('documents the route, its parameters and limits in the OpenAPI document', async () => {
    const document = SwaggerModule.createDocument(t.app, new DocumentBuilder().build()) as unknown as { paths: Record<string, { get: { parameters: Array<{ name: string }>; description: string } }> };
    const route = document.paths['/data/prices'].get;
    expect(route.parameters.map((p) => p.name).sort()).toEqual(['format', 'from', 'subject', 'to']);
    expect(route.description).toMatch(/at most 31 days/);
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { PriceFileError, readPriceFile } from '../../src/replay/prices/price-file';
import { DEMO_PRICES } from './support/run-replay';

describe('the replay price file (subject,ts,price)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-prices-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  it('reads unix seconds and ISO 8601 times, any column order, skipping comments and empty lines', async () => {
    const prices = await readPriceFile(write('ok.csv', '# made by hand\nts,price,subject\n1767225600,60000,BTC\n\n2026-01-01T00:01:00Z,60010.5,BTC\n2026-01-01T01:00:00+01:00,3000,ETH\n'));
    expect(prices.subjects()).toEqual(['BTC', 'ETH']);
    expect(prices.between('BTC', 0, Infinity)).toEqual([
      { ts: Date.UTC(2026, 0, 1), price: 60000 },
      { ts: Date.UTC(2026, 0, 1, 0, 1), price: 60010.5 },
    ]);
    expect(prices.between('ETH', 0, Infinity)).toEqual([{ ts: Date.UTC(2026, 0, 1), price: 3000 }]);
  });

  it.each([
    ['a header without price', 'subject,ts,close\nBTC,1767225600,1\n', 'line 1: the header lacks price'],
    ['a missing field', 'subject,ts,price\nBTC,1767225600\n', 'line 2: has 2 fields, the header 3'],
    ['a time without zone', 'subject,ts,price\nBTC,2026-01-01T00:00:00,1\n', 'line 2: unreadable ts "2026-01-01T00:00:00"'],
    ['a price that is not a number', 'subject,ts,price\nBTC,1767225600,abc\n', 'line 2: price "abc" is not a positive number'],
    ['a subject and time twice', 'subject,ts,price\nBTC,1767225600,1\nBTC,2026-01-01T00:00:00Z,2\n', 'line 3: BTC at 2026-01-01T00:00:00.000Z is already on line 2'],
    ['no price at all', 'subject,ts,price\n', 'holds no price'],
  ])('refuses %s, naming the line', async (_what, text, message) => {
    const file = write('bad.csv', text);
    await expect(readPriceFile(file)).rejects.toThrow(PriceFileError);
    await expect(readPriceFile(file)).rejects.toThrow(`${file}: ${message}`);
  });

  it('reads Parquet with the same columns, and names the row at fault', async () => {
    const columns = (prices: number[]) =>
      parquetWriteBuffer({
        columnData: [
          { name: 'subject', data: ['BTC', 'BTC'], type: 'STRING' },
          { name: 'ts', data: [1767225600, 1767225660], type: 'DOUBLE' },
          { name: 'price', data: prices, type: 'DOUBLE' },
        ],
      });
    const prices = await readPriceFile(write('ok.parquet', Buffer.from(columns([60000, 60001]))));
    expect(prices.between('BTC', 0, Infinity).map((p) => p.price)).toEqual([60000, 60001]);
    await expect(readPriceFile(write('bad.parquet', Buffer.from(columns([60000, 0]))))).rejects.toThrow(/bad\.parquet: row 2: price "0" is not a positive number/);
    await expect(readPriceFile(write('junk.parquet', 'not parquet'))).rejects.toThrow(/junk\.parquet: is not a readable Parquet file/);
  });

  it('ships an example of the demo subjects every 5 s over 14 hours, under 2 MB', async () => {
    const prices = await readPriceFile(DEMO_PRICES);
    expect(prices.subjects()).toEqual(['BTC', 'ETH', 'SOL', 'XAU']);
    expect(prices.count()).toBe(4 * (14 * 720 + 1));
    expect(fs.statSync(DEMO_PRICES).size).toBeLessThan(2_000_000);
  });
});

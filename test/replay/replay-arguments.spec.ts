import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO, DEMO_PRICES, runReplay } from './support/run-replay';

const RANGE = ['--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T00:10:00Z'];

describe('coordinator-node replay with bad arguments', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-args-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** One line on stderr, nothing on stdout, exit code 2, and no output folder written. */
  async function refused(args: string[]): Promise<string> {
    const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
    const result = await runReplay([...args, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(fs.existsSync(out)).toBe(false);
    return result.stderr;
  }

  function priceFile(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it('refuses --from after --to, naming both', async () => {
    expect(await refused(['--competition', DEMO, '--from', '2026-01-02T00:00:00Z', '--to', '2026-01-01T00:00:00Z'])).toMatch(/--from \(2026-01-02T00:00:00Z\) must be before --to \(2026-01-01T00:00:00Z\)/);
  });

  it('refuses an instant that is not ISO 8601', async () => {
    expect(await refused(['--competition', DEMO, '--from', 'yesterday', '--to', '2026-01-01T00:00:00Z'])).toMatch(/--from "yesterday" is not an ISO 8601 instant/);
  });

  it('refuses a price file of an unknown type', async () => {
    expect(await refused(['--competition', DEMO, ...RANGE, '--prices', priceFile('prices.json', '[]')])).toMatch(/unknown price file type "\.json" \(expected \.csv or \.parquet\)/);
  });

  it('refuses an unreadable price file and a missing competition file', async () => {
    expect(await refused(['--competition', DEMO, ...RANGE, '--prices', path.join(dir, 'missing.csv')])).toMatch(/--prices file .*missing\.csv cannot be read/);
    expect(await refused(['--competition', path.join(dir, 'nope.yaml'), ...RANGE])).toMatch(/competition file .*nope\.yaml cannot be read/);
  });

  it('refuses a price file with a bad row, naming its line', async () => {
    const file = priceFile('bad.csv', 'subject,ts,price\nBTC,1767225600,60000\nBTC,1767225605,-3\n');
    expect(await refused(['--competition', DEMO, ...RANGE, '--prices', file])).toMatch(/bad\.csv: line 3: price "-3" is not a positive number/);
  });

  it('refuses a price file that lacks a subject of the competition over the range', async () => {
    const file = priceFile('btc-only.csv', 'subject,ts,price\nBTC,2026-01-01T00:00:00Z,60000\n');
    expect(await refused(['--competition', DEMO, ...RANGE, '--prices', file])).toMatch(/has no price of ETH, SOL, XAU between 2026-01-01T00:00:00.000Z and 2026-01-01T00:10:00.000Z/);
  });

  it('refuses an unknown flag and --compare without two files', async () => {
    expect(await refused(['--competition', DEMO, ...RANGE, '--speed', 'fast'])).toMatch(/Unknown option '--speed'/);
    expect(await refused(['--compare', DEMO, ...RANGE, '--prices', DEMO_PRICES])).toMatch(/--compare needs exactly two competition files \(got 1\)/);
  });

  it('prints its usage with --help', async () => {
    const result = await runReplay(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--prices FILE/);
  });
});

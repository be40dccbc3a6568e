import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { ReportSeed } from '../report/support/report-seed';
import { demoCompetition, ReportTestApp, startReportApp } from '../report/support/report-test-app';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(__dirname, '../../test-output');
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED browser test: ${CHROMIUM} not found (install with: apt-get install -y chromium)`);
}
const describeWithBrowser = hasChromium ? describe : describe.skip;

const MODELS = [
  { id: 'm-01', name: 'gaussian-mixer', cruncher: 'alice', rank: 1, previous: 2, status: 'SUCCESS', base: 0.031 },
  { id: 'm-02', name: 'student-t <script>x</script>', cruncher: 'bob', rank: 2, previous: 1, status: 'SUCCESS', base: 0.027 },
  { id: 'm-03', name: 'laplace-wide', cruncher: 'carol', rank: 3, previous: 3, status: 'TIMEOUT', base: 0.022 },
  { id: 'm-04', name: 'naive-normal', cruncher: 'dave', rank: 4, previous: null, status: 'FAILED', base: 0.015 },
];

describeWithBrowser('leaderboard web page (Chromium)', () => {
  let db: TestDatabase;
  let t: ReportTestApp;
  let browser: Browser;
  const now = Date.now();
  const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    const competition = demoCompetition();
    const seed = new ReportSeed(db.dataSource, competition);
    await seed.competition();
    for (const m of MODELS) await seed.model({ id: m.id, name: m.name, cruncherName: m.cruncher });
    // Score history over the last two hours, one snapshot every 5 minutes.
    for (const m of MODELS) {
      for (let i = 24; i >= 0; i--) {
        const wobble = Math.sin(i / 3 + m.rank) * 0.003;
        await seed.snapshot({ modelId: m.id, at: minutesAgo(i * 5), recent: m.base + wobble, steady: m.base + wobble / 2, anchor: m.base + wobble / 4 });
      }
      for (let i = 0; i < 6; i++) {
        const status = i === 0 ? m.status : 'SUCCESS';
        await seed.prediction({ modelId: m.id, performedAt: minutesAgo(i * 10 + 1), status: status as 'SUCCESS', execTimeUs: 1500 * m.rank + i * 300, failureReason: status === 'SUCCESS' ? null : 'deadline exceeded' });
      }
    }
    await seed.leaderboard(minutesAgo(1), MODELS.map((m) => ({
      rank: m.rank, previous_rank: m.previous, model_id: m.id, model_name: m.name, cruncher_name: m.cruncher, cruncher_id: `c-${m.id}`, last_status: m.status, left: false,
      score_recent: m.base, score_steady: m.base * 0.98, score_anchor: m.base * 0.95,
      windows: { recent: { value: m.base, count: 40, complete: true }, steady: { value: m.base * 0.98, count: 80, complete: true }, anchor: { value: m.base * 0.95, count: 120, complete: m.rank !== 4 } },
    })));
    for (const subject of ['BTC', 'ETH', 'SOL', 'XAU']) {
      for (let i = 0; i < 3; i++) await seed.feedRecord({ subject, ts: minutesAgo(i), values: { price: 100 + i } });
    }
    t = await startReportApp(db.dataSource, { competition });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    fs.mkdirSync(OUTPUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await db?.close();
  }, 60_000);

  async function openPage(viewport: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport });
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
    // The page must work offline: any request leaving 127.0.0.1 is a failure.
    await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : (problems.push(`external request: ${route.request().url()}`), route.abort())));
    await page.goto(t.url, { waitUntil: 'load' });
    await page.waitForSelector('#leaderboard-body tr');
    await page.waitForFunction(() => /updated/.test(document.getElementById('refresh-state')?.textContent ?? ''));
    return { page, problems };
  }

  it('shows the leaderboard in rank order, a drawn history chart, health and feeds, with no console error', async () => {
    const { page, problems } = await openPage({ width: 1280, height: 1000 });
    const rows = await page.$$eval('#leaderboard-body tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')));
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4']);
    expect(rows.map((r) => r[2])).toEqual(MODELS.map((m) => m.name));
    expect(rows[0][1]).toBe('▲ 1');
    expect(rows[1][1]).toBe('▼ 1');
    expect(rows[3][1]).toBe('new');
    expect(rows[3].some((cell) => cell.includes('◔'))).toBe(true);
    expect(rows[0].some((cell) => cell.includes('◔'))).toBe(false);
    expect(rows[2][rows[2].length - 1]).toBe('TIMEOUT');
    // A participant's name is text, never markup.
    expect(await page.$$eval('#leaderboard-body script', (s) => s.length)).toBe(0);

    expect(await page.isVisible('#synthetic-banner')).toBe(true);
    expect(await page.textContent('#competition-name')).toBe('Condor Game demo (synthetic prices)');

    const paintedPixels = await page.$eval('#history-chart', (canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
      return painted;
    });
    expect(paintedPixels).toBeGreaterThan(2000);
    expect(await page.$$eval('#health-body tr', (trs) => trs.length)).toBe(4);
    expect(await page.$$eval('#feeds-body tr', (trs) => trs.length)).toBe(4);

    // Picking another model redraws the chart for it.
    const before = await page.$eval('#history-chart', (c) => (c as HTMLCanvasElement).toDataURL());
    await page.selectOption('#model-picker', 'm-04');
    await page.waitForFunction((prev) => (document.getElementById('history-chart') as HTMLCanvasElement).toDataURL() !== prev, before);

    await page.screenshot({ path: path.join(OUTPUT, 'leaderboard-desktop.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('fits a phone screen', async () => {
    const { page, problems } = await openPage({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(OUTPUT, 'leaderboard-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

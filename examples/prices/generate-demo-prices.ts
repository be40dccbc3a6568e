/**
 * Writes examples/prices/demo-5s.csv: the demo competition's four subjects (BTC, ETH, SOL, XAU)
 * every 5 s (the demo feed's granularity) from 2025-12-31T22:00:00Z (the demo's 2 h history
 * window) to 2026-01-01T12:00:00Z, from the demo's own seeded synthetic price process (seed 42,
 * its start prices), started at the file's first instant. Same script, same bytes.
 *
 *   node -r ./test/support/register-typescript.js examples/prices/generate-demo-prices.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SyntheticPriceProcess } from '../../src/data-source/adapters/synthetic-price-process';

const FROM = Date.UTC(2025, 11, 31, 22);
const TO = Date.UTC(2026, 0, 1, 12);
const START_PRICES: Record<string, number> = { BTC: 60000, ETH: 3000, SOL: 150, XAU: 2400 };

const lines = ['# The demo competition\'s subjects every 5 s, synthetic (seeded), NOT market data. Made by generate-demo-prices.ts.', 'subject,ts,price'];
for (const [subject, startPrice] of Object.entries(START_PRICES)) {
  const walk = new SyntheticPriceProcess(subject, { seed: 42, stepSeconds: 5, originMs: FROM, startPrice, volatility: 0.8, regimeSteps: 720, jumpProbability: 0.001, jumpStdDev: 0.01 });
  for (const { ts, price } of walk.prices(FROM, TO)) lines.push(`${subject},${ts / 1000},${Number(price.toPrecision(8))}`);
}
const file = path.join(__dirname, 'demo-5s.csv');
fs.writeFileSync(file, `${lines.join('\n')}\n`);
process.stdout.write(`${file}: ${lines.length - 2} prices\n`);

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import type { ReplayPrices } from '../prices/replay-prices';
import type { ReplayRange } from '../replayed-competition';
import type { ReplayResultsRepository } from '../replay-results.repository';
import { htmlReport } from './html-report';
import { writeTables } from './output-files';
import { OutputTable } from './output-table';
import { finalLeaderboard, ReplayResults, replayTables } from './replay-tables';

/** Reads back what a replay wrote and writes its outputs in `dir`; returns the results and the files. */
export async function writeReplayOutputs(
  dir: string,
  results: ReplayResultsRepository,
  competition: CompetitionDefinition,
  range: ReplayRange,
  fetchedPrices: ReplayPrices | null,
): Promise<{ results: ReplayResults; files: string[] }> {
  const read: ReplayResults = {
    predictions: await results.scoredPredictions(),
    rounds: await results.roundHealth(),
    snapshots: await results.snapshots(),
    leaderboards: await results.leaderboards(),
    payouts: await results.payouts(),
  };
  const tables = replayTables(read);
  // Prices fetched from the feed are kept, so the same replay runs again offline with --prices.
  if (fetchedPrices) tables.push(pricesTable(fetchedPrices));
  const files = writeTables(dir, tables);
  const report = path.join(dir, 'report.html');
  fs.writeFileSync(
    report,
    htmlReport({
      title: `${competition.name}: replay`,
      range: `${new Date(range.fromMs).toISOString()} .. ${new Date(range.toMs).toISOString()}`,
      rankBy: competition.leaderboard.rankBy,
      leaderboard: finalLeaderboard(read.leaderboards),
      snapshots: read.snapshots,
      rounds: read.rounds,
    }),
  );
  return { results: read, files: [...files, report] };
}

function pricesTable(prices: ReplayPrices): OutputTable {
  const rows: OutputTable['rows'] = [];
  for (const p of prices.all()) rows.push([p.subject, new Date(p.ts), p.price]);
  return { name: 'prices', columns: [{ name: 'subject', type: 'STRING' }, { name: 'ts', type: 'TIMESTAMP' }, { name: 'price', type: 'DOUBLE', exact: true }], rows };
}

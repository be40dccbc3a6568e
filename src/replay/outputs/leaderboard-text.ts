import type { LeaderboardRow } from '../replay-results.repository';

/**
 * The final leaderboard as an aligned text table for the terminal.
 *
 * @example
 *   leaderboardText(rows)
 *   // rank  model          player      recent   steady   anchor  scored
 *   //    1  gaussian-ewma  cruncher-1  1.2345   1.3      1.29    120
 */
export function leaderboardText(rows: readonly LeaderboardRow[]): string {
  if (rows.length === 0) return 'no leaderboard: no prediction was scored in the range\n';
  const header = ['rank', 'model', 'player', 'recent', 'steady', 'anchor', 'scored'];
  const cells = rows.map((r) => [r.rank === null ? '-' : String(r.rank), r.modelName || r.modelId, r.cruncherId, num(r.recent), num(r.steady), num(r.anchor), String(r.scoredCount)]);
  return alignedTable(header, cells, [true, false, false, true, true, true, true]);
}

/** Columns padded to their widest cell; `right[i]` aligns column i to the right (numbers). */
export function alignedTable(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function num(v: number | null): string {
  return v === null ? '-' : Number(v.toPrecision(6)).toString();
}

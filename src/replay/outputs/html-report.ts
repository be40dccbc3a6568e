import type { LeaderboardRow, RoundHealthRow, SnapshotRow } from '../replay-results.repository';
import type { SeedWindow } from '../../leaderboard/leaderboard-entry';

/** What the report shows: the final leaderboard, each model's score history and how the rounds went. */
export interface HtmlReportInput {
  title: string;
  /** e.g. `2026-01-01T00:00:00.000Z .. 2026-01-01T06:00:00.000Z`. */
  range: string;
  /** The window the leaderboard ranks by: the one the charts draw. */
  rankBy: string;
  leaderboard: LeaderboardRow[];
  snapshots: SnapshotRow[];
  rounds: RoundHealthRow[];
}

/** Points per chart at most: longer histories are thinned evenly (the last point kept). */
const MAX_POINTS = 400;
const CHART = { width: 560, height: 160, pad: 36 };

/**
 * A self-contained HTML page (inline CSS and SVG, no script, no external URL), so the report
 * opens offline from the output folder or as a mail attachment.
 */
export function htmlReport(input: HtmlReportInput): string {
  const window = seedWindow(input.rankBy);
  const models = [...new Set(input.snapshots.map((s) => s.modelId))].sort();
  const nameOf = new Map(input.leaderboard.map((e) => [e.modelId, e.modelName || e.modelId]));
  const charts = models.map((id) => chart(nameOf.get(id) ?? id, input.snapshots.filter((s) => s.modelId === id), window)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}
td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}
figure{display:inline-block;margin:.5rem 1rem .5rem 0}figcaption{font-weight:600}svg{background:#fafafa;border:1px solid #ddd}
</style></head><body>
<h1>${esc(input.title)}</h1>
<p>Replay over ${esc(input.range)}.</p>
<h2>Final leaderboard</h2>
${leaderboardTable(input.leaderboard)}
<h2>Score history (${esc(input.rankBy)} window)</h2>
${charts || '<p>No scoring cycle produced a snapshot.</p>'}
<h2>Round health</h2>
${healthTable(input.rounds)}
</body></html>
`;
}

function leaderboardTable(rows: LeaderboardRow[]): string {
  if (rows.length === 0) return '<p>No leaderboard yet.</p>';
  const body = rows
    .map((r) => `<tr><td>${r.rank ?? '-'}</td><td class="l">${esc(r.modelName || r.modelId)}</td><td class="l">${esc(r.cruncherId)}</td><td>${num(r.recent)}</td><td>${num(r.steady)}</td><td>${num(r.anchor)}</td><td>${r.scoredCount}</td></tr>`)
    .join('\n');
  return `<table><tr><th>rank</th><th class="l">model</th><th class="l">player</th><th>recent</th><th>steady</th><th>anchor</th><th>scored</th></tr>\n${body}\n</table>`;
}

function healthTable(rounds: RoundHealthRow[]): string {
  if (rounds.length === 0) return '<p>No round ran.</p>';
  const groups = new Map<string, { rounds: number; success: number; failed: number; timeout: number; absent: number }>();
  const total = { rounds: 0, success: 0, failed: 0, timeout: 0, absent: 0 };
  for (const r of rounds) {
    const key = `${r.asset} ${r.horizon}/${r.step}`;
    const g = groups.get(key) ?? { rounds: 0, success: 0, failed: 0, timeout: 0, absent: 0 };
    for (const t of [g, total]) {
      t.rounds++;
      t.success += r.success;
      t.failed += r.failed;
      t.timeout += r.timeout;
      t.absent += r.absent;
    }
    groups.set(key, g);
  }
  const line = (label: string, g: typeof total) => `<tr><td class="l">${esc(label)}</td><td>${g.rounds}</td><td>${g.success}</td><td>${g.failed}</td><td>${g.timeout}</td><td>${g.absent}</td></tr>`;
  const body = [...[...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, g]) => line(k, g)), line('all rounds', total)].join('\n');
  return `<table><tr><th class="l">asset horizon/step</th><th>rounds</th><th>SUCCESS</th><th>FAILED</th><th>TIMEOUT</th><th>ABSENT</th></tr>\n${body}\n</table>`;
}

function chart(name: string, snapshots: SnapshotRow[], window: SeedWindow): string {
  const points = thin(snapshots.flatMap((s) => (s[window] === null ? [] : [{ t: s.at.getTime(), v: s[window] as number }])));
  const caption = `<figcaption>${esc(name)}</figcaption>`;
  if (points.length === 0) return `<figure>${caption}<p>no ${window} score yet</p></figure>`;
  const { width, height, pad } = CHART;
  const [t0, t1] = [points[0].t, points[points.length - 1].t];
  let [lo, hi] = [Math.min(...points.map((p) => p.v)), Math.max(...points.map((p) => p.v))];
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const x = (t: number) => pad + (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * (width - 2 * pad));
  const y = (v: number) => height - pad + ((lo - v) / (hi - lo)) * (height - 2 * pad);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
  const label = (text: string, lx: number, ly: number, anchor = 'start') => `<text x="${lx}" y="${ly}" font-size="10" text-anchor="${anchor}">${esc(text)}</text>`;
  return `<figure>${caption}<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(name)} ${window} score">
<path d="${path}" fill="none" stroke="#2a6fdb" stroke-width="1.5"/>
${label(num(hi), 2, pad)}${label(num(lo), 2, height - pad)}${label(new Date(t0).toISOString().slice(0, 16), pad, height - 8)}${label(new Date(t1).toISOString().slice(0, 16), width - pad, height - 8, 'end')}
</svg></figure>`;
}

function thin<T>(points: T[]): T[] {
  if (points.length <= MAX_POINTS) return points;
  const every = points.length / MAX_POINTS;
  const out: T[] = [];
  for (let i = 0; i < MAX_POINTS - 1; i++) out.push(points[Math.floor(i * every)]);
  out.push(points[points.length - 1]);
  return out;
}

function seedWindow(rankBy: string): SeedWindow {
  return rankBy === 'recent' || rankBy === 'steady' ? rankBy : 'anchor';
}

function num(v: number | null): string {
  return v === null ? '-' : Number(v.toPrecision(6)).toString();
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

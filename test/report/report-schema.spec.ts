import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../src/config/config-error';
import { parseCompetitionDefinition } from '../../src/config/competition/competition.loader';
import { leaderboardColumns, metricsWidgets } from '../../src/report/services/report-schema';

const DEMO = parseYaml(fs.readFileSync(path.join(__dirname, '../../competitions/demo.yaml'), 'utf8')) as Record<string, unknown>;

function withReport(report: unknown, leaderboard: Record<string, unknown> = {}) {
  return parseCompetitionDefinition({ ...DEMO, report, leaderboard: { ...(DEMO.leaderboard as object), ...leaderboard } });
}

describe('report schema derived from the competition', () => {
  it('gives one VALUE column per window, its direction from the scorer unless the file sets one', () => {
    const demo = parseCompetitionDefinition(DEMO);
    const auto = leaderboardColumns(demo, 'lower');
    expect(auto.find((c) => c.property === 'score_recent')?.tooltip).toBe('Mean density-pdf score over the last 10m; lower is better.');
    const fixed = leaderboardColumns(withReport(undefined, { direction: 'higher' }), 'lower');
    expect(fixed.find((c) => c.property === 'score_anchor')?.tooltip).toBe('Mean density-pdf score over the last 1h; higher is better; the leaderboard is ranked by it.');
    expect(leaderboardColumns(demo, undefined).find((c) => c.property === 'score_recent')?.tooltip).toBe('Mean density-pdf score over the last 10m.');
  });

  it('applies the file\'s report.columns over the derived ones by property and adds the others', () => {
    const competition = withReport({
      columns: [
        { property: 'score_anchor', displayName: 'Anchor', format: 'decimal-2', order: 1 },
        { property: 'reward_pct', format: 'percentage', displayName: 'Reward' },
      ],
    });
    const columns = leaderboardColumns(competition, 'higher');
    expect(columns.map((c) => `${c.id}:${c.property}:${c.order}`)).toEqual(['1:username:-10', '2:model_id:0', '5:score_anchor:1', '3:score_recent:10', '4:score_steady:20', '6:reward_pct:30']);
    expect(columns.find((c) => c.property === 'score_anchor')).toMatchObject({ displayName: 'Anchor', format: 'decimal-2', type: 'VALUE' });
    expect(columns.find((c) => c.property === 'reward_pct')).toEqual({ id: 6, type: 'VALUE', property: 'reward_pct', format: 'percentage', displayName: 'Reward', tooltip: null, nativeConfiguration: null, order: 30 });
  });

  it('applies report.widgets by endpointUrl (configurations merged) and adds iframes', () => {
    const widgets = metricsWidgets(withReport({
      widgets: [
        { endpointUrl: '/reports/models/global', displayName: 'Scores', nativeConfiguration: { type: 'line', yAxis: { format: 'decimal-6' } } },
        { endpointUrl: 'https://grafana.example/d/x', displayName: 'Infra', order: 90 },
      ],
    }));
    expect(widgets.map((w) => `${w.id}:${w.type}:${w.endpointUrl}`)).toEqual(['1:CHART:/reports/models/global', '2:CHART:/reports/models/params', '3:CHART:/reports/predictions', '4:IFRAME:https://grafana.example/d/x']);
    expect(widgets[0].displayName).toBe('Scores');
    expect(widgets[0].nativeConfiguration).toMatchObject({ xAxis: { name: 'performed_at' }, yAxis: { format: 'decimal-6', series: [{ name: 'score_recent' }, { name: 'score_steady' }, { name: 'score_anchor' }] } });
  });

  it.each([
    [{ columns: [{ property: 'x', format: 'decimal' }] }, 'report.columns[0].format'],
    [{ columns: [{ property: 'x', nativeConfiguration: [1] }] }, 'report.columns[0].nativeConfiguration'],
    [{ columns: [{ property: 'x' }, { property: 'x' }] }, 'report.columns[1].property'],
    [{ columns: [{ property: 'x', colour: 'red' }] }, 'report.columns[0].colour'],
    [{ widgets: [{ endpointUrl: 'ftp://x' }] }, 'report.widgets[0].endpointUrl'],
    [{ widgets: [{ endpointUrl: '/reports/x', nativeConfiguration: { type: 7 } }] }, 'report.widgets[0].nativeConfiguration.type'],
    [{ charts: [] }, 'report.charts'],
  ])('refuses a bad report section naming the key (%#)', (report, key) => {
    expect(() => withReport(report)).toThrow(ConfigError);
    try {
      withReport(report);
    } catch (err) {
      expect((err as ConfigError).key).toBe(key);
    }
  });

  it('refuses, when the schema is built, a column or chart configuration the web app could not render', () => {
    expect(() => metricsWidgets(withReport({ widgets: [{ endpointUrl: '/reports/models/health', type: 'CHART' }] }))).toThrow(/needs a nativeConfiguration/);
    const noSeries = { widgets: [{ endpointUrl: '/reports/x', nativeConfiguration: { type: 'line', xAxis: { name: 'performed_at' }, yAxis: { series: [] } } }] };
    expect(() => metricsWidgets(withReport(noSeries))).toThrow('report.widgets (/reports/x).nativeConfiguration: yAxis.series must be a non-empty list');
    expect(() => leaderboardColumns(withReport({ columns: [{ property: 'x', nativeConfiguration: { type: 'pie' } }] }), 'higher')).toThrow('report.columns (x).nativeConfiguration: type must be "model" or "gauge"');
    const noAxis = { widgets: [{ endpointUrl: '/reports/predictions', nativeConfiguration: { xAxis: null } }] };
    expect(() => metricsWidgets(withReport(noAxis))).toThrow(/xAxis.name must be a non-empty string/);
  });
});

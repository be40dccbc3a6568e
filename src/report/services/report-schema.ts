import { ConfigError } from '../../config/config-error';
import { CompetitionDefinition, ReportColumnDefinition, ReportWidgetDefinition } from '../../config/competition/competition.types';
import { LeaderboardColumnDto, MetricsWidgetDto } from '../dto/schema.dto';
import { chartConfigurationProblem, columnConfigurationProblem } from '../layout/native-configuration';

export const REPORT_SCHEMA_VERSION = '1';

/** Which way a score is better; `undefined` when the scorer is not known to this process. */
export type ScoreBetter = 'higher' | 'lower' | undefined;

/** The seed's windows: the chart routes serve them as score_recent/steady/anchor. */
const SEED_WINDOWS = ['recent', 'steady', 'anchor'];
/** Scores are small numbers (a mean density, a CRPS): four decimals keep them distinct. */
const SCORE_FORMAT = 'decimal-4';

/**
 * The leaderboard columns the web app renders for this competition, in its shape: the cruncher,
 * the model (with its status), one VALUE column per score window (tooltip: length, direction,
 * ranked or not), the cumulative `reward` when the competition pays rewards, then the competition file's `report.columns` applied over them by `property`.
 *
 * @example
 *   leaderboardColumns(demo, 'higher').map((c) => c.property) // ['username', 'model_id', 'score_recent', 'score_steady', 'score_anchor']
 */
export function leaderboardColumns(competition: CompetitionDefinition, better: ScoreBetter): LeaderboardColumnDto[] {
  const direction = competition.leaderboard.direction === 'auto' ? better : competition.leaderboard.direction;
  const derived: LeaderboardColumnDto[] = [
    { id: 1, type: 'USERNAME', property: 'username', format: null, displayName: 'Cruncher', tooltip: null, nativeConfiguration: null, order: -10 },
    { id: 2, type: 'PROJECT', property: 'model_id', format: null, displayName: 'Model', tooltip: 'Status: active while the model runs.', nativeConfiguration: { type: 'model', statusProperty: 'status' }, order: 0 },
    ...competition.scoring.windows.map((w, i): LeaderboardColumnDto => ({
      id: 3 + i,
      type: 'VALUE',
      property: `score_${w.name}`,
      format: SCORE_FORMAT,
      displayName: windowLabel(w.name, w.seconds),
      tooltip: windowTooltip(competition, w.name, w.seconds, direction),
      nativeConfiguration: null,
      order: (i + 1) * 10,
    })),
  ];
  if (competition.rewards !== undefined) {
    const rewardColumn: LeaderboardColumnDto = {
      id: 3 + competition.scoring.windows.length,
      type: 'VALUE',
      property: 'reward',
      format: 'number',
      displayName: 'Rewards',
      tooltip: 'Cumulative reward: every payout of the checkpoints that did not fail.',
      nativeConfiguration: null,
      order: (competition.scoring.windows.length + 1) * 10,
    };
    derived.push(rewardColumn);
  }
  return applyColumns(derived, competition.report?.columns ?? []);
}

/**
 * The chart widgets, in the web app's shape: overall scores, scores per parameter set, and
 * scored predictions (failures flagged by `score_success`), then the file's `report.widgets`
 * applied over them by `endpointUrl`.
 */
export function metricsWidgets(competition: CompetitionDefinition): MetricsWidgetDto[] {
  const seconds = new Map(competition.scoring.windows.map((w) => [w.name, w.seconds]));
  const series = SEED_WINDOWS.map((name) => ({ name: `score_${name}`, label: windowLabel(name, seconds.get(name) ?? 0) }));
  const filters = [
    { type: 'select', label: 'Asset', property: 'asset', autoSelectFirst: true },
    { type: 'select', label: 'Horizon', property: 'horizon', autoSelectFirst: true },
  ];
  const derived: MetricsWidgetDto[] = [
    {
      id: 1,
      type: 'CHART',
      displayName: 'Overall score',
      tooltip: 'Each model\'s windowed scores at every scoring cycle.',
      order: 10,
      endpointUrl: '/reports/models/global',
      nativeConfiguration: { type: 'line', xAxis: { name: 'performed_at' }, yAxis: { series, format: SCORE_FORMAT }, displayEvolution: false },
    },
    {
      id: 2,
      type: 'CHART',
      displayName: 'Score per parameter set',
      tooltip: 'Windowed scores per asset, horizon and step.',
      order: 20,
      endpointUrl: '/reports/models/params',
      nativeConfiguration: { type: 'line', xAxis: { name: 'performed_at' }, yAxis: { series, format: SCORE_FORMAT }, filterConfig: filters, groupByProperty: 'param', displayEvolution: false },
    },
    {
      id: 3,
      type: 'CHART',
      displayName: 'Scored predictions',
      tooltip: `${competition.scoring.scorer} score of each prediction; a failed one scores the penalty and is flagged.`,
      order: 30,
      endpointUrl: '/reports/predictions',
      nativeConfiguration: {
        type: 'line',
        xAxis: { name: 'performed_at' },
        yAxis: { series: [{ name: 'score_value', label: 'Score' }], format: SCORE_FORMAT },
        alertConfig: { field: 'score_success', reasonField: 'score_failed_reason' },
        filterConfig: filters,
        groupByProperty: 'param',
        displayEvolution: false,
      },
    },
  ];
  return applyWidgets(derived, competition.report?.widgets ?? []);
}

function applyColumns(derived: LeaderboardColumnDto[], overrides: readonly ReportColumnDefinition[]): LeaderboardColumnDto[] {
  const columns = derived.map((c) => ({ ...c }));
  for (const o of overrides) {
    const known = columns.find((c) => c.property === o.property);
    const fields = definedFields(o);
    if (known) Object.assign(known, fields);
    else {
      columns.push({ type: 'VALUE', format: null, displayName: o.property, tooltip: null, nativeConfiguration: null, order: nextOrder(columns), ...fields, property: o.property, id: nextId(columns) });
    }
  }
  for (const c of columns) {
    const problem = columnConfigurationProblem(c.nativeConfiguration);
    if (problem) throw new ConfigError(`report.columns (${c.property}).nativeConfiguration`, problem, 'competition file');
  }
  return byOrder(columns);
}

function applyWidgets(derived: MetricsWidgetDto[], overrides: readonly ReportWidgetDefinition[]): MetricsWidgetDto[] {
  const widgets = derived.map((w) => ({ ...w }));
  for (const o of overrides) {
    const known = widgets.find((w) => w.endpointUrl === o.endpointUrl);
    const { nativeConfiguration, ...fields } = definedFields(o);
    if (known) {
      Object.assign(known, fields);
      if (nativeConfiguration) known.nativeConfiguration = deepMerge(known.nativeConfiguration ?? {}, nativeConfiguration) as Record<string, unknown>;
      continue;
    }
    const type = o.type ?? (/^https?:/.test(o.endpointUrl) ? 'IFRAME' : 'CHART');
    if (type === 'CHART' && !nativeConfiguration) {
      throw new ConfigError(`report.widgets (${o.endpointUrl})`, 'a new CHART widget needs a nativeConfiguration (e.g. {type: line, xAxis: {name}, yAxis: {series: [{name}]}})', 'competition file');
    }
    widgets.push({ displayName: o.endpointUrl, tooltip: null, order: nextOrder(widgets), ...fields, endpointUrl: o.endpointUrl, type, ...(nativeConfiguration ? { nativeConfiguration } : {}), id: nextId(widgets) });
  }
  for (const w of widgets) {
    const problem = w.type === 'CHART' ? chartConfigurationProblem(w.nativeConfiguration) : undefined;
    if (problem) throw new ConfigError(`report.widgets (${w.endpointUrl}).nativeConfiguration`, problem, 'competition file');
  }
  return byOrder(widgets);
}

function definedFields<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Objects merge key by key; anything else (arrays included) is replaced, as the web app merges its overrides. */
function deepMerge(base: unknown, override: unknown): unknown {
  if (!isRecord(base) || !isRecord(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value);
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nextId(items: readonly { id: number }[]): number {
  return items.reduce((max, i) => Math.max(max, i.id), 0) + 1;
}

function nextOrder(items: readonly { order: number }[]): number {
  return items.reduce((max, i) => Math.max(max, i.order), 0) + 10;
}

/** Stable: equal orders keep their list order. */
export function byOrder<T extends { order: number }>(items: T[]): T[] {
  return items.map((item, index) => ({ item, index })).sort((a, b) => a.item.order - b.item.order || a.index - b.index).map((e) => e.item);
}

function windowLabel(name: string, seconds: number): string {
  return seconds > 0 ? `${capitalize(name)} (${formatSeconds(seconds)})` : capitalize(name);
}

function windowTooltip(competition: CompetitionDefinition, name: string, seconds: number, direction: ScoreBetter): string {
  const parts = [`Mean ${competition.scoring.scorer} score over the last ${formatSeconds(seconds)}`];
  if (direction) parts.push(`${direction} is better`);
  if (name === competition.leaderboard.rankBy) parts.push('the leaderboard is ranked by it');
  return `${parts.join('; ')}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** 86400 -> "1d", 3600 -> "1h", 600 -> "10m", 45 -> "45s". */
export function formatSeconds(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

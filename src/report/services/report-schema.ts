import { CompetitionDefinition } from '../../config/competition/competition.types';
import { LeaderboardColumnDto, MetricsWidgetDto, ReportSchemaDto } from '../dto/schema.dto';

export const REPORT_SCHEMA_VERSION = 1;

/**
 * What a leaderboard UI should render for this competition: its columns (one per score window,
 * the ranked one flagged) and its charts (endpoint + x/y fields).
 *
 * @example
 *   reportSchema(competition).metrics_widgets[0].endpoint // '/reports/models/global'
 */
export function reportSchema(competition: CompetitionDefinition): ReportSchemaDto {
  const better = competition.leaderboard.direction === 'auto' ? undefined : competition.leaderboard.direction;
  const windowColumns: LeaderboardColumnDto[] = competition.scoring.windows.map((w) => ({
    key: `score_${w.name}`,
    label: `${capitalize(w.name)} (${formatSeconds(w.seconds)})`,
    type: 'number',
    window: w.name,
    window_seconds: w.seconds,
    ranked_by: w.name === competition.leaderboard.rankBy,
    ...(better ? { better } : {}),
  }));
  const leaderboard_columns: LeaderboardColumnDto[] = [
    { key: 'rank', label: 'Rank', type: 'integer' },
    { key: 'previous_rank', label: 'Trend', type: 'trend' },
    { key: 'model_name', label: 'Model', type: 'string' },
    { key: 'cruncher_name', label: 'Cruncher', type: 'string' },
    ...windowColumns,
    { key: 'last_status', label: 'Last prediction', type: 'status' },
  ];
  const seedScores = ['score_recent', 'score_steady', 'score_anchor'];
  const metrics_widgets: MetricsWidgetDto[] = [
    {
      id: 'overall-scores',
      title: 'Overall score over time',
      type: 'line',
      endpoint: '/reports/models/global',
      x_field: 'performed_at',
      y_fields: seedScores,
      group_by: 'model_id',
      query_params: ['projectIds', 'start', 'end'],
    },
    {
      id: 'param-scores',
      title: 'Score per parameter set over time',
      type: 'line',
      endpoint: '/reports/models/params',
      x_field: 'performed_at',
      y_fields: seedScores,
      group_by: 'param',
      query_params: ['projectIds', 'start', 'end'],
    },
    {
      id: 'prediction-scores',
      title: 'Scored predictions',
      type: 'line',
      endpoint: '/reports/predictions',
      x_field: 'performed_at',
      y_fields: ['score_value'],
      group_by: 'param',
      query_params: ['projectIds', 'start', 'end', 'limit', 'cursor'],
    },
    {
      id: 'model-health',
      title: 'Prediction statuses and execution times',
      type: 'table',
      endpoint: '/reports/models/health',
      x_field: 'model_id',
      y_fields: ['counts', 'exec_time'],
      query_params: ['since', 'until'],
    },
    {
      id: 'feed-freshness',
      title: 'Feed freshness',
      type: 'table',
      endpoint: '/reports/feeds',
      x_field: 'subject',
      y_fields: ['newest_ts', 'record_count'],
      query_params: [],
    },
  ];
  return { schema_version: REPORT_SCHEMA_VERSION, leaderboard_columns, metrics_widgets };
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

import { Inject, Injectable, Optional } from '@nestjs/common';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { ScorerRegistry } from '../../score/scorers/scorer.registry';
import { LeaderboardColumnDto, MetricsWidgetDto, ReportSchemaDto } from '../dto/schema.dto';
import { leaderboardColumns, metricsWidgets, REPORT_SCHEMA_VERSION, ScoreBetter } from '../services/report-schema';
import { EditableLayout } from './editable-layout';
import { ReportLayoutRepository } from './report-layout.repository';

/**
 * The report's layout for the ecosystem's web app: the columns and widgets derived from the
 * competition (and its file's `report` section) until an organiser edits them, then the edited
 * lists, stored with the competition. `/reports/schema` serves whichever is current.
 *
 * @example
 *   (await layout.schema()).leaderboard_columns[0].property // 'username'
 */
@Injectable()
export class ReportLayoutService {
  readonly columns: EditableLayout<LeaderboardColumnDto>;
  readonly widgets: EditableLayout<MetricsWidgetDto>;

  constructor(
    repository: ReportLayoutRepository,
    @Inject(COMPETITION) competition: CompetitionDefinition,
    @Optional() scorers?: ScorerRegistry,
  ) {
    const scorer = competition.scoring.scorer;
    const better: ScoreBetter = scorers?.has(scorer) ? scorers.get(scorer).direction : undefined;
    this.columns = new EditableLayout(repository, competition.id, 'leaderboard_columns', LeaderboardColumnDto, leaderboardColumns(competition, better), 'leaderboard column');
    this.widgets = new EditableLayout(repository, competition.id, 'metrics_widgets', MetricsWidgetDto, metricsWidgets(competition), 'metrics widget');
  }

  async schema(): Promise<ReportSchemaDto> {
    const [leaderboard_columns, metrics_widgets] = await Promise.all([this.columns.list(), this.widgets.list()]);
    return { schema_version: REPORT_SCHEMA_VERSION, leaderboard_columns, metrics_widgets };
  }
}

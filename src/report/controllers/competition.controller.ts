import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { CompetitionInfoDto } from '../dto/info.dto';
import { ReportSchemaDto } from '../dto/schema.dto';
import { ParamWindowDto } from '../dto/snapshot.dto';
import { competitionInfo } from '../services/competition-info';
import { ReportLayoutService } from '../layout/report-layout.service';
import { ScorerRegistry } from '../../score/scorers/scorer.registry';

/** What the competition is, and what a UI should render for it. */
@ApiTags('competition')
@ApiExtraModels(ParamWindowDto)
@Controller()
export class CompetitionController {
  private readonly info: CompetitionInfoDto;

  constructor(
    @Inject(COMPETITION) competition: CompetitionDefinition,
    private readonly layout: ReportLayoutService,
    @Optional() scorers?: ScorerRegistry,
  ) {
    const scorer = competition.scoring.scorer;
    this.info = competitionInfo(competition, scorers?.has(scorer) ? scorers.get(scorer).direction : undefined);
  }

  @Get('info')
  @ApiOperation({ summary: 'The competition this node runs: id, name, feed (synthetic or not), scorer, windows, ranking, prediction configs' })
  @ApiOkResponse({ type: CompetitionInfoDto })
  competition(): CompetitionInfoDto {
    return this.info;
  }

  @Get('reports/schema')
  @ApiOperation({
    summary: "Which leaderboard columns and chart widgets a UI should render, in the ecosystem web app's shape",
    description: 'Derived from the competition (windows, scorer direction, the file\'s `report` section) until an organiser edits them through /leaderboard/columns and /metrics/widgets.',
  })
  @ApiOkResponse({ type: ReportSchemaDto })
  reportSchema(): Promise<ReportSchemaDto> {
    return this.layout.schema();
  }
}

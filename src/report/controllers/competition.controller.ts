import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { CompetitionInfoDto } from '../dto/info.dto';
import { ReportSchemaDto } from '../dto/schema.dto';
import { ParamWindowDto } from '../dto/snapshot.dto';
import { competitionInfo } from '../services/competition-info';
import { reportSchema } from '../services/report-schema';

/** Static descriptions derived from the competition definition (computed once). */
@ApiTags('competition')
@ApiExtraModels(ParamWindowDto)
@Controller()
export class CompetitionController {
  private readonly info: CompetitionInfoDto;
  private readonly schema: ReportSchemaDto;

  constructor(@Inject(COMPETITION) competition: CompetitionDefinition) {
    this.info = competitionInfo(competition);
    this.schema = reportSchema(competition);
  }

  @Get('info')
  @ApiOperation({ summary: 'The competition this node runs: id, name, feed (synthetic or not), scorer, windows, ranking, prediction configs' })
  @ApiOkResponse({ type: CompetitionInfoDto })
  competition(): CompetitionInfoDto {
    return this.info;
  }

  @Get('reports/schema')
  @ApiOperation({ summary: 'Which leaderboard columns and charts (endpoint, x/y fields) a UI should render' })
  @ApiOkResponse({ type: ReportSchemaDto })
  reportSchema(): ReportSchemaDto {
    return this.schema;
  }
}

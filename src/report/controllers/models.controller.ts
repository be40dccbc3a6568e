import { Controller, Get, Query, Res, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ModelHealthDto, ModelHealthQuery } from '../dto/model-health.dto';
import { ModelDto, ModelsQuery } from '../dto/model.dto';
import { GlobalScoreDto, ParamScoreDto, ScoreSeriesQuery } from '../dto/time-series.dto';
import { PAGE_HEADERS_DOC, setPageHeaders } from '../query/page-headers';
import { reportValidationPipe } from '../query/report-validation.pipe';
import { optionalTimeRange, timeRange } from '../query/time-range';
import { ModelReportService } from '../services/model-report.service';
import { ScoreHistoryService } from '../services/score-history.service';
import { BadRequestDto } from '../dto/error.dto';

@ApiTags('reports')
@Controller('reports/models')
@UsePipes(reportValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto, description: 'A query parameter is missing or invalid; the message names it.' })
export class ModelsController {
  constructor(
    private readonly models: ModelReportService,
    private readonly history: ScoreHistoryService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Models of the competition, ordered by model_id' })
  @ApiOkResponse({ type: ModelDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async list(@Query() query: ModelsQuery, @Res({ passthrough: true }) res: Response): Promise<ModelDto[]> {
    const { items, page } = await this.models.models(query);
    setPageHeaders(res, page);
    return items;
  }

  @Get('global')
  @ApiOperation({ summary: "Models' overall scores at each score snapshot in [start, end], ordered by performed_at then model_id" })
  @ApiOkResponse({ type: GlobalScoreDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async global(@Query() query: ScoreSeriesQuery, @Res({ passthrough: true }) res: Response): Promise<GlobalScoreDto[]> {
    const { items, page } = await this.history.globalScores(query.projectIds, timeRange(query.start, query.end), query);
    setPageHeaders(res, page);
    return items;
  }

  @Get('params')
  @ApiOperation({ summary: "Models' scores per parameter set at each snapshot in [start, end], ordered by performed_at, model_id, then parameter set" })
  @ApiOkResponse({ type: ParamScoreDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async params(@Query() query: ScoreSeriesQuery, @Res({ passthrough: true }) res: Response): Promise<ParamScoreDto[]> {
    const { items, page } = await this.history.paramScores(query.projectIds, timeRange(query.start, query.end), query);
    setPageHeaders(res, page);
    return items;
  }

  @Get('health')
  @ApiOperation({ summary: 'Per model: SUCCESS/FAILED/TIMEOUT/ABSENT counts and execution times over [since, until] (default: the last 24 h)' })
  @ApiOkResponse({ type: ModelHealthDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async health(@Query() query: ModelHealthQuery, @Res({ passthrough: true }) res: Response): Promise<ModelHealthDto[]> {
    const { since, until } = optionalTimeRange(query.since, query.until);
    const { items, page } = await this.models.health({ since, until, limit: query.limit, offset: query.offset });
    setPageHeaders(res, page);
    return items;
  }
}

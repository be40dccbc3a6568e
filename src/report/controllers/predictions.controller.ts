import { Controller, Get, Query, Res, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BadRequestDto } from '../dto/error.dto';
import { PredictionsQuery, ScoredPredictionDto } from '../dto/prediction.dto';
import { PAGE_HEADERS_DOC, setPageHeaders } from '../query/page-headers';
import { reportValidationPipe } from '../query/report-validation.pipe';
import { timeRange } from '../query/time-range';
import { PredictionHistoryService } from '../services/prediction-history.service';

@ApiTags('reports')
@Controller('reports/predictions')
@UsePipes(reportValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto, description: 'A query parameter is missing or invalid; the message names it.' })
export class PredictionsController {
  constructor(private readonly predictions: PredictionHistoryService) {}

  @Get()
  @ApiOperation({
    summary: 'Scored predictions of the models in projectIds over [start, end], newest first (performed_at DESC, then id)',
    description:
      'Paginated with limit (max 5000; 500 when only cursor or offset is given): follow X-Next-Cursor with ?cursor=, or use offset. ' +
      "Without limit, cursor and offset (a chart's request): every row of the range when it holds at most 5000, else one row per model, parameter set and time bucket (the newest of each), with X-Downsampled-Seconds.",
  })
  @ApiOkResponse({ type: ScoredPredictionDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async list(@Query() query: PredictionsQuery, @Res({ passthrough: true }) res: Response): Promise<ScoredPredictionDto[]> {
    const modelIds = [...new Set(query.projectIds)];
    const { items, page } = await this.predictions.scoredPredictions(modelIds, timeRange(query.start, query.end), query);
    setPageHeaders(res, page);
    return items;
  }
}

import { BadRequestException, Controller, Get, Query, Res, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BadRequestDto } from '../dto/error.dto';
import { PredictionsQuery, ScoredPredictionDto } from '../dto/prediction.dto';
import { PAGE_HEADERS_DOC, setPageHeaders } from '../query/page-headers';
import { reportValidationPipe } from '../query/report-validation.pipe';
import { timeRange } from '../query/time-range';
import { PredictionHistoryService } from '../services/prediction-history.service';

export const ONE_MODEL_AT_A_TIME = 'Service is available only for one model at a time. Pass exactly one model id in projectIds.';

@ApiTags('reports')
@Controller('reports/predictions')
@UsePipes(reportValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto, description: 'A query parameter is missing or invalid, or projectIds names more than one model.' })
export class PredictionsController {
  constructor(private readonly predictions: PredictionHistoryService) {}

  @Get()
  @ApiOperation({
    summary: "One model's scored predictions in [start, end], newest first (performed_at DESC, then id)",
    description: 'Paginated: limit (default 500, max 5000); follow X-Next-Cursor with ?cursor=, or use offset.',
  })
  @ApiOkResponse({ type: ScoredPredictionDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async list(@Query() query: PredictionsQuery, @Res({ passthrough: true }) res: Response): Promise<ScoredPredictionDto[]> {
    const modelIds = [...new Set(query.projectIds)];
    if (modelIds.length !== 1) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: ONE_MODEL_AT_A_TIME, parameters: ['projectIds'] });
    const { items, page } = await this.predictions.scoredPredictions(modelIds[0], timeRange(query.start, query.end), query);
    setPageHeaders(res, page);
    return items;
  }
}

import { Controller, Get, Inject, Query, Res, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { PredictionRoundRepository } from '../../predict/round/prediction-round.repository';
import { BadRequestDto } from '../dto/error.dto';
import { decodePageCursor } from '../query/page-cursor';
import { PAGE_HEADERS_DOC, setPageHeaders } from '../query/page-headers';
import { reportValidationPipe } from '../query/report-validation.pipe';
import { splitPage } from '../services/paged';
import { LatestPredictionDto, LatestPredictionsQuery, mapLatestPrediction, mapRound, nextCursor, RoundDto, RoundsQuery, ROUNDS_DEFAULT_LIMIT } from './round.dto';

/** The rounds view and the model page: every recent round with its outcome and scoring state, and a model's own predictions. */
@ApiTags('reports')
@Controller('reports')
@UsePipes(reportValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto })
export class RoundsController {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly rounds: PredictionRoundRepository,
    private readonly clock: Clock,
  ) {}

  @Get('rounds')
  @ApiOperation({
    summary: 'Prediction rounds, newest first, with counts of SUCCESS/FAILED/TIMEOUT/ABSENT and their scoring state',
    description: `limit default ${ROUNDS_DEFAULT_LIMIT}, max 500; follow X-Next-Cursor with ?before= for older rounds. With model_id, that model's rounds and its own prediction in each.`,
  })
  @ApiOkResponse({ type: RoundDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async list(@Query() query: RoundsQuery, @Res({ passthrough: true }) res: Response): Promise<RoundDto[]> {
    const limit = query.limit ?? ROUNDS_DEFAULT_LIMIT;
    const before = query.before === undefined ? undefined : decodePageCursor(query.before, 'before');
    const read = await this.rounds.recentRounds(this.competition.id, { limit: limit + 1, before, modelId: query.model_id });
    const { rows, hasMore } = splitPage(read, limit);
    setPageHeaders(res, { hasMore, nextCursor: nextCursor(rows[rows.length - 1]) });
    const now = this.clock.nowMs();
    return rows.map((r) => mapRound(r, now));
  }

  @Get('predictions/latest')
  @ApiOperation({
    summary: "One model's newest predictions of any status, with execution time, failure reason and score once scored",
    description: `limit default ${ROUNDS_DEFAULT_LIMIT}, max 500; follow X-Next-Cursor with ?before= for older predictions.`,
  })
  @ApiOkResponse({ type: LatestPredictionDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async latest(@Query() query: LatestPredictionsQuery, @Res({ passthrough: true }) res: Response): Promise<LatestPredictionDto[]> {
    const limit = query.limit ?? ROUNDS_DEFAULT_LIMIT;
    const before = query.before === undefined ? undefined : decodePageCursor(query.before, 'before');
    const read = await this.rounds.latestPredictions(query.model_id, { limit: limit + 1, before });
    const { rows, hasMore } = splitPage(read, limit);
    setPageHeaders(res, { hasMore, nextCursor: nextCursor(rows[rows.length - 1]) });
    return rows.map(mapLatestPrediction);
  }
}

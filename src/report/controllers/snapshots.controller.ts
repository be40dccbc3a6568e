import { Controller, Get, Query, Res, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BadRequestDto } from '../dto/error.dto';
import { SnapshotDto, SnapshotsQuery } from '../dto/snapshot.dto';
import { PAGE_HEADERS_DOC, setPageHeaders } from '../query/page-headers';
import { reportValidationPipe } from '../query/report-validation.pipe';
import { optionalTimeRange } from '../query/time-range';
import { ScoreHistoryService } from '../services/score-history.service';

@ApiTags('reports')
@Controller('reports/snapshots')
@UsePipes(reportValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto })
export class SnapshotsController {
  constructor(private readonly history: ScoreHistoryService) {}

  @Get()
  @ApiOperation({
    summary: 'Score snapshots (overall and per parameter set), oldest first (performed_at, then id)',
    description: 'limit default 500, max 5000; follow X-Next-Cursor with ?cursor= for the next page.',
  })
  @ApiOkResponse({ type: SnapshotDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async list(@Query() query: SnapshotsQuery, @Res({ passthrough: true }) res: Response): Promise<SnapshotDto[]> {
    const { since, until } = optionalTimeRange(query.since, query.until);
    const { items, page } = await this.history.snapshots({ modelId: query.model_id, since, until, cursor: query.cursor }, query.limit);
    setPageHeaders(res, page);
    return items;
  }
}

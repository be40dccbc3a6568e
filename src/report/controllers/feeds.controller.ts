import { Controller, Get, Query, Res, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BadRequestDto } from '../dto/error.dto';
import { FeedRecordDto, FeedSeriesDto, FeedTailQuery } from '../dto/feed.dto';
import { PAGE_HEADERS_DOC, setPageHeaders } from '../query/page-headers';
import { reportValidationPipe } from '../query/report-validation.pipe';
import { FeedReportService } from '../services/feed-report.service';

@ApiTags('feeds')
@Controller('reports/feeds')
@UsePipes(reportValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto })
export class FeedsController {
  constructor(private readonly feeds: FeedReportService) {}

  @Get()
  @ApiOperation({ summary: 'Stored feed series (source, subject, kind, granularity) with counts and freshness, ordered by those keys (at most 1000)' })
  @ApiOkResponse({ type: FeedSeriesDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async list(@Res({ passthrough: true }) res: Response): Promise<FeedSeriesDto[]> {
    const { items, page } = await this.feeds.series();
    setPageHeaders(res, page);
    return items;
  }

  @Get('tail')
  @ApiOperation({ summary: 'The newest records matching the filters (limit 1..200, default 20), listed oldest first' })
  @ApiOkResponse({ type: FeedRecordDto, isArray: true })
  tail(@Query() query: FeedTailQuery): Promise<FeedRecordDto[]> {
    const { limit, ...filter } = query;
    return this.feeds.tail(filter, limit);
  }
}

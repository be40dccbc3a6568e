import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { declaredColumns } from '../csv/csv-columns';
import { CSV_CONTENT_TYPE, csvFileName, wantsCsv } from '../csv/csv-request';
import { toCsv } from '../csv/csv-table';
import { LeaderboardEntryDto, LeaderboardRowDto, LeaderboardViewDto } from '../dto/leaderboard.dto';
import { ifNoneMatchHits } from '../leaderboard/if-none-match';
import { CachedJsonResponse, LEADERBOARD_AGE_HEADER, LeaderboardResponseCache } from '../leaderboard/leaderboard-response-cache';

@ApiTags('reports')
@Controller('reports/leaderboard')
export class LeaderboardController {
  constructor(private readonly cache: LeaderboardResponseCache) {}

  @Get()
  @ApiOperation({
    summary: 'Entries of the latest leaderboard, sorted by rank (empty array before the first leaderboard)',
    description: 'Cached until the next leaderboard is stored. Send the ETag back in If-None-Match to get 304 Not Modified.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a previous response' })
  @ApiOkResponse({ type: LeaderboardEntryDto, isArray: true })
  @ApiResponse({ status: 304, description: 'Not modified since the ETag sent in If-None-Match' })
  async leaderboard(@Req() req: Request, @Res() res: Response): Promise<void> {
    const cached = await this.cache.get('seed');
    if (wantsCsv(req)) return sendCsv(req, res, JSON.parse(cached.body.toString('utf8')) as unknown[], LeaderboardEntryDto);
    send(req, res, cached);
  }

  @Get('view')
  @ApiOperation({
    summary: 'The latest leaderboard as the web page shows it: every window with its partial-window marker, trend and last status',
  })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiOkResponse({ type: LeaderboardViewDto })
  @ApiResponse({ status: 304, description: 'Not modified' })
  async view(@Req() req: Request, @Res() res: Response): Promise<void> {
    const cached = await this.cache.get('view');
    // In CSV, the view is its table: one line per entry (windows JSON-encoded).
    if (wantsCsv(req)) return sendCsv(req, res, (JSON.parse(cached.body.toString('utf8')) as LeaderboardViewDto).entries, LeaderboardRowDto);
    send(req, res, cached);
  }
}

function sendCsv(req: Request, res: Response, rows: unknown[], dto: unknown): void {
  res.setHeader('Content-Type', CSV_CONTENT_TYPE);
  res.setHeader('Content-Disposition', csvFileName(req.originalUrl));
  res.setHeader('Cache-Control', 'no-cache');
  res.status(200).send(toCsv(rows, declaredColumns(dto)));
}

// Written straight to the socket: the bytes are prepared once per leaderboard.
function send(req: Request, res: Response, cached: CachedJsonResponse): void {
  res.setHeader('ETag', cached.etag);
  res.setHeader('Cache-Control', 'no-cache');
  if (cached.ageSeconds !== undefined) res.setHeader(LEADERBOARD_AGE_HEADER, cached.ageSeconds);
  if (ifNoneMatchHits(req.headers['if-none-match'], cached.etag)) {
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', cached.body.length);
  res.status(200).end(cached.body);
}

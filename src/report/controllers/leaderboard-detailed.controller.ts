import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { LeaderboardRepository } from '../../leaderboard/leaderboard.repository';
import { BreakdownRankDto, DetailedLeaderboardEntryDto, mapDetailedLeaderboard } from '../dto/leaderboard-detailed.dto';

/**
 * `GET /reports/leaderboard/detailed`: the latest leaderboard in the real Synth leaderboard's shape.
 * The breakdowns make stored entries about 5x larger (measured: 1000 models x 17 parameter sets,
 * 2.9 MB against 0.6 MB; reading them back ~0.4 s), so the body is prepared once per leaderboard
 * and each request only checks which leaderboard is newest.
 */
@ApiTags('reports')
@ApiExtraModels(BreakdownRankDto)
@Controller('reports/leaderboard')
export class LeaderboardDetailedController {
  private readonly windowNames: string[];
  private prepared: { leaderboardId: string; body: DetailedLeaderboardEntryDto[] } | null = null;

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly leaderboards: LeaderboardRepository,
  ) {
    this.windowNames = competition.scoring.windows.map((w) => w.name);
  }

  @Get('detailed')
  @ApiOperation({
    summary: 'The latest leaderboard with each model\'s score per window and its ranks per horizon and per ASSET:HORIZON (empty array before the first leaderboard)',
    description:
      'The shape of the Synth game\'s leaderboard: rank, model_id, model_name, score {window: value}, ranks_by_horizon {"3600": {rank, score}}, ' +
      'ranks_by_param {"BTC:3600": {rank, score}}, player_id, player_name. Ranked models only, by rank. A horizon\'s score weighs assets with the competition\'s asset weights.',
  })
  @ApiOkResponse({ type: DetailedLeaderboardEntryDto, isArray: true })
  async detailed(): Promise<DetailedLeaderboardEntryDto[]> {
    const stamp = await this.leaderboards.latestStamp(this.competition.id);
    if (!stamp) return [];
    if (this.prepared?.leaderboardId === stamp.id) return this.prepared.body;
    const board = await this.leaderboards.latest(this.competition.id);
    if (!board) return [];
    const body = mapDetailedLeaderboard(board.entries, this.windowNames);
    this.prepared = { leaderboardId: board.id, body };
    return body;
  }
}

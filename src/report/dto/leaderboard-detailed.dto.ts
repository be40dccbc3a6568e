import { ApiProperty } from '@nestjs/swagger';
import type { BreakdownRank } from '../../leaderboard/leaderboard-breakdown';
import type { LeaderboardEntry } from '../../leaderboard/leaderboard-entry';

const SCORE_EXAMPLE = { recent: 0.64, steady: 0.63, anchor: 0.54 };

/** A rank within one horizon or one `ASSET:HORIZON`. */
export class BreakdownRankDto {
  @ApiProperty({ type: Number, nullable: true, example: 3, description: 'Rank among the models scored there (1 = best); null when the model is not ranked there.' })
  rank!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number', nullable: true }, example: SCORE_EXAMPLE, description: 'Window name -> score there.' })
  score!: Record<string, number | null>;
}

/** `GET /reports/leaderboard/detailed`: one entry in the shape of the real Synth leaderboard. */
export class DetailedLeaderboardEntryDto {
  @ApiProperty({ example: 1, minimum: 1 }) rank!: number;
  @ApiProperty({ example: 'model-7f3a' }) model_id!: string;
  @ApiProperty({ example: 'benchmarktracker' }) model_name!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number', nullable: true }, example: SCORE_EXAMPLE, description: 'Overall score per window (asset-weighted when the competition sets asset weights).' })
  score!: Record<string, number | null>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/BreakdownRankDto' },
    example: { '3600': { rank: 2, score: SCORE_EXAMPLE }, '86400': { rank: 1, score: SCORE_EXAMPLE } },
    description: 'Horizon in seconds -> rank and asset-weighted score over that horizon\'s parameter sets.',
  })
  ranks_by_horizon!: Record<string, BreakdownRankDto>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/BreakdownRankDto' },
    example: { 'BTC:3600': { rank: 4, score: SCORE_EXAMPLE } },
    description: '`ASSET:HORIZON` -> rank and score on that pair.',
  })
  ranks_by_param!: Record<string, BreakdownRankDto>;
  @ApiProperty({ example: 'cruncher-42', description: 'The cruncher (participant) id.' }) player_id!: string;
  @ApiProperty({ example: 'alice', description: 'The cruncher (participant) name.' }) player_name!: string;
}

/**
 * The detailed leaderboard: the ranked entries (as the seed route, unranked ones left out) with
 * their per-window score and their ranks per horizon and per `ASSET:HORIZON`, stored with the
 * leaderboard. An entry stored before the breakdowns existed shows empty ones.
 *
 * @example
 *   mapDetailedLeaderboard(board.entries, ['recent', 'steady', 'anchor'])[0]
 *   // { rank: 1, model_id: 'm1', score: { recent: 0.6, ... }, ranks_by_horizon: { '3600': { rank: 1, score } }, ..., player_id: 'c1', player_name: 'alice' }
 */
export function mapDetailedLeaderboard(entries: readonly LeaderboardEntry[], windowNames: readonly string[]): DetailedLeaderboardEntryDto[] {
  const ranked = entries.filter((e): e is LeaderboardEntry & { rank: number } => e.rank !== null);
  return ranked.map((e) => ({
    rank: e.rank,
    model_id: e.model_id,
    model_name: e.model_name,
    score: Object.fromEntries(windowNames.map((name) => [name, e.windows[name]?.value ?? seedScore(e, name)])),
    ranks_by_horizon: copyRanks(e.ranks_by_horizon, windowNames),
    ranks_by_param: copyRanks(e.ranks_by_param, windowNames),
    player_id: e.cruncher_id,
    player_name: e.cruncher_name,
  }));
}

function seedScore(e: LeaderboardEntry, name: string): number | null {
  if (name === 'recent') return e.score_recent;
  if (name === 'steady') return e.score_steady;
  if (name === 'anchor') return e.score_anchor;
  return null;
}

/** Scores in the competition's window order (jsonb does not keep the stored key order). */
function copyRanks(ranks: Record<string, BreakdownRank> | undefined, windowNames: readonly string[]): Record<string, BreakdownRankDto> {
  const out: Record<string, BreakdownRankDto> = {};
  for (const [key, r] of Object.entries(ranks ?? {})) out[key] = { rank: r.rank, score: Object.fromEntries(windowNames.map((name) => [name, r.score[name] ?? null])) };
  return out;
}

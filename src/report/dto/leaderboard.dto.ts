import { ApiProperty } from '@nestjs/swagger';
import { MODEL_LEADERBOARD_STATUSES, type ModelLeaderboardStatus } from '../../leaderboard/leaderboard-entry';

/**
 * Seed route `GET /reports/leaderboard`: one entry of the latest leaderboard. The seed's eight
 * fields come first; then what the web app's leaderboard columns read (`username`, `status`,
 * `score_<window>` for every window, and any other column property, null when unknown).
 */
const REWARD_DOC = {
  type: Number,
  nullable: true,
  example: 98.19,
  description:
    "The model's cumulative reward: its payouts summed over every checkpoint that did not fail (0 before its first payout; null when the competition pays no rewards). Updated with the next leaderboard after a checkpoint.",
};

export class LeaderboardEntryDto {
  @ApiProperty({ example: '2025-01-01T12:00:00.000Z', description: 'When this leaderboard was computed (UTC).' }) created_at!: string;
  @ApiProperty({ example: 'model-7f3a' }) model_id!: string;
  @ApiProperty({ type: Number, nullable: true, example: 0.0123 }) score_recent!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.0118 }) score_steady!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.0101 }) score_anchor!: number | null;
  @ApiProperty({ example: 1, minimum: 1, description: 'Integer, 1 = best.' }) rank!: number;
  @ApiProperty({ example: 'gaussian-mixer' }) model_name!: string;
  @ApiProperty({ example: 'alice' }) cruncher_name!: string;
  @ApiProperty({ example: 'alice', description: "The cruncher, under the web app's USERNAME column property." }) username!: string;
  @ApiProperty({ example: 'active', enum: MODEL_LEADERBOARD_STATUSES, description: "The PROJECT column's statusProperty: inactive once the model left; disabled or excluded by an operator (an excluded model has no rank, so it is not listed here)." }) status!: string;
  @ApiProperty(REWARD_DOC) reward!: number | null;
}

export class WindowScoreDto {
  @ApiProperty({ example: 'anchor' }) name!: string;
  @ApiProperty({ type: Number, nullable: true, example: 0.0101 }) value!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 412, description: 'Scored predictions in the window, when known.' }) count!: number | null;
  @ApiProperty({ type: Boolean, nullable: true, example: false, description: 'False while the model has been scored for less than the window length (a partial window); null when unknown.' })
  complete!: boolean | null;
}

/** What the web page shows per row: the seed fields plus trend, status and window completeness. */
export class LeaderboardRowDto {
  @ApiProperty({ type: Number, nullable: true, example: 1, description: 'Null for a listed but unranked model (left, or too few scored predictions); those come last.' }) rank!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 2, description: 'Rank in the previous leaderboard; null for a newcomer.' }) previous_rank!: number | null;
  @ApiProperty({ example: 'model-7f3a' }) model_id!: string;
  @ApiProperty({ example: 'gaussian-mixer' }) model_name!: string;
  @ApiProperty({ example: 'cruncher-42' }) cruncher_id!: string;
  @ApiProperty({ example: 'alice' }) cruncher_name!: string;
  @ApiProperty({ example: false, description: 'The model left the competition (kept for its history).' }) left!: boolean;
  @ApiProperty({ example: 'active', enum: MODEL_LEADERBOARD_STATUSES, description: 'inactive once the model left; disabled (no calls) or excluded (listed, never ranked or paid) by an operator.' }) status!: ModelLeaderboardStatus;
  @ApiProperty({ type: String, nullable: true, example: 'SUCCESS', enum: ['SUCCESS', 'FAILED', 'TIMEOUT', 'ABSENT'] }) last_status!: string | null;
  @ApiProperty({ type: Number, nullable: true }) score_recent!: number | null;
  @ApiProperty({ type: Number, nullable: true }) score_steady!: number | null;
  @ApiProperty({ type: Number, nullable: true }) score_anchor!: number | null;
  @ApiProperty(REWARD_DOC) reward!: number | null;
  @ApiProperty({ type: [WindowScoreDto], description: 'One per competition window, in definition order.' }) windows!: WindowScoreDto[];
}

export class LeaderboardViewDto {
  @ApiProperty({ type: String, nullable: true, example: '2025-01-01T12:00:00.000Z', description: 'Null when no leaderboard exists yet.' }) created_at!: string | null;
  @ApiProperty({ type: [LeaderboardRowDto] }) entries!: LeaderboardRowDto[];
}

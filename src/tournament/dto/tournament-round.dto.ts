import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ToInteger } from '../../report/query/query-values';
import { TOURNAMENT_ROUND_STATUSES, TournamentPrediction, TournamentRound } from '../tournament-round';

export const TOURNAMENT_ROUNDS_DEFAULT_LIMIT = 50;
export const TOURNAMENT_ROUNDS_MAX_LIMIT = 500;

/** `POST /tournament/rounds`: the inputs as JSON, or a file under the tournament's inputs folder. */
export class OpenTournamentRoundDto {
  @ApiPropertyOptional({ example: 'week-12', description: "The client's id of the round: posting it again with the same inputs returns the same round (other inputs: 409). The Idempotency-Key header works the same." })
  round_id?: string;

  @ApiPropertyOptional({ description: 'The round\'s inputs, checked against the competition file\'s `tournament.inputs` schema; sent to every model as the `inputs` argument.', example: { features: [[0.1, 0.2], [0.3, -0.1]] } })
  inputs?: unknown;

  @ApiPropertyOptional({ example: 'week-12.json', description: 'Instead of inputs: a .json file under `tournament.inputsFolder` (relative path; never outside the folder).' })
  inputs_file?: string;
}

/** `POST /tournament/rounds/{id}/truth`. */
export class PostTournamentTruthDto {
  @ApiProperty({ description: 'What really happened, checked against `tournament.truth`: a number or a list of numbers (the scorer\'s truth).', example: [0.4, -1.2] })
  truth!: unknown;
}

/** `GET /tournament/rounds`. */
export class TournamentRoundsQuery {
  @ApiPropertyOptional({ description: `Rounds per page, newest first. Default ${TOURNAMENT_ROUNDS_DEFAULT_LIMIT}, maximum ${TOURNAMENT_ROUNDS_MAX_LIMIT}.`, minimum: 1, maximum: TOURNAMENT_ROUNDS_MAX_LIMIT })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(TOURNAMENT_ROUNDS_MAX_LIMIT)
  limit?: number;
}

export class TournamentRoundCountsDto {
  @ApiProperty({ example: 2 }) models!: number;
  @ApiProperty({ example: 2 }) SUCCESS!: number;
  @ApiProperty({ example: 0 }) FAILED!: number;
  @ApiProperty({ example: 0 }) TIMEOUT!: number;
  @ApiProperty({ example: 0 }) ABSENT!: number;
  @ApiProperty({ example: 2, description: 'Predictions with their score written.' }) scored!: number;
}

/** One tournament round: its stage and counts. */
export class TournamentRoundDto {
  @ApiProperty({ example: '7c1e5d0e-2a4b-4f59-8f3e-0f9a3b1c2d4e' }) id!: string;
  @ApiProperty({ example: 'week-12', nullable: true, type: String }) round_id!: string | null;
  @ApiProperty({ enum: TOURNAMENT_ROUND_STATUSES, example: 'scored', description: 'open: models being called; predicted: predictions stored, waiting for the truth or its scoring; scored: every prediction scored; void: voided (or no truth in time).' })
  status!: string;
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' }) opened_at!: string;
  @ApiProperty({ example: '2026-01-01T00:00:00.120Z', nullable: true, type: String, description: 'The prediction round\'s origin.' }) performed_at!: string | null;
  @ApiProperty({ example: '0d6f2a4e-5b1c-4c3d-9e8f-7a6b5c4d3e2f', nullable: true, type: String, description: 'The prediction round (GET /reports/rounds).' }) prediction_round_id!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) inputs_file!: string | null;
  @ApiProperty({ example: true }) truth_posted!: boolean;
  @ApiProperty({ example: '2026-01-01T01:00:00.000Z', nullable: true, type: String }) truth_posted_at!: string | null;
  @ApiProperty({ type: TournamentRoundCountsDto, nullable: true }) counts!: TournamentRoundCountsDto | null;
}

export class TournamentPredictionDto {
  @ApiProperty({ example: '1' }) model_id!: string;
  @ApiProperty({ example: 'SUCCESS' }) status!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) failure_reason!: string | null;
  @ApiProperty({ example: 0.82, nullable: true, type: Number }) score_value!: number | null;
  @ApiProperty({ example: true, nullable: true, type: Boolean }) score_success!: boolean | null;
  @ApiProperty({ example: null, nullable: true, type: String }) score_failed_reason!: string | null;
  @ApiProperty({ example: '2026-01-01T01:00:01.000Z', nullable: true, type: String }) scored_at!: string | null;
}

/** One tournament round with its inputs, its truth and each model's prediction. */
export class TournamentRoundDetailDto extends TournamentRoundDto {
  @ApiProperty({ description: 'The inputs as posted (or read from inputs_file).', example: { features: [[0.1, 0.2]] } }) inputs!: unknown;
  @ApiProperty({ description: 'The posted truth, or null.', example: [0.4, -1.2], nullable: true }) truth!: unknown;
  @ApiProperty({ type: TournamentPredictionDto, isArray: true }) predictions!: TournamentPredictionDto[];
}

export function mapTournamentRound(round: TournamentRound): TournamentRoundDto {
  return {
    id: round.id,
    round_id: round.clientRoundId,
    status: round.status,
    opened_at: round.openedAt.toISOString(),
    performed_at: round.performedAtMs === null ? null : new Date(round.performedAtMs).toISOString(),
    prediction_round_id: round.predictionRoundId,
    inputs_file: round.inputsFile,
    truth_posted: round.truthPostedAt !== null,
    truth_posted_at: round.truthPostedAt?.toISOString() ?? null,
    counts:
      round.counts === null
        ? null
        : {
            models: round.counts.modelCount,
            SUCCESS: round.counts.successCount,
            FAILED: round.counts.failedCount,
            TIMEOUT: round.counts.timeoutCount,
            ABSENT: round.counts.absentCount,
            scored: round.scoredPredictions,
          },
  };
}

export function mapTournamentRoundDetail(round: TournamentRound, details: { inputs: unknown; predictions: TournamentPrediction[] }): TournamentRoundDetailDto {
  return {
    ...mapTournamentRound(round),
    inputs: details.inputs,
    truth: round.truth,
    predictions: details.predictions.map((p) => ({
      model_id: p.modelId,
      status: p.status,
      failure_reason: p.failureReason,
      score_value: p.scoreValue,
      score_success: p.scoreSuccess,
      score_failed_reason: p.scoreFailedReason,
      scored_at: p.scoredAt?.toISOString() ?? null,
    })),
  };
}

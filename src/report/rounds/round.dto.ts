import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { paramKey } from '../../config/competition/competition.types';
import { PREDICTION_STATUSES } from '../../predict/round/prediction-round';
import { ModelPrediction, ROUND_SCORING_STATES, roundScoringState, RoundSummary } from '../../predict/round/round-summary';
import { encodePageCursor } from '../query/page-cursor';
import { IsIdentifier, ToInteger, ToTrimmed } from '../query/query-values';
import { isoUtc, isoUtcOrNull } from '../read-model/iso-utc';

export const ROUNDS_DEFAULT_LIMIT = 50;
export const ROUNDS_MAX_LIMIT = 500;

/** Paging shared by the rounds routes: newest first, `before` = the previous page's X-Next-Cursor. */
class NewestFirstPageQuery {
  @ApiPropertyOptional({ description: `Rows per page. Default ${ROUNDS_DEFAULT_LIMIT}, maximum ${ROUNDS_MAX_LIMIT}.`, default: ROUNDS_DEFAULT_LIMIT, minimum: 1, maximum: ROUNDS_MAX_LIMIT })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(ROUNDS_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque position from the X-Next-Cursor header of the previous page: the rows older than its last one.' })
  @ToTrimmed()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  before?: string;
}

/** `GET /reports/rounds`: the newest prediction rounds first. */
export class RoundsQuery extends NewestFirstPageQuery {
  @ApiPropertyOptional({ description: "Only the rounds this model took part in, counting its own prediction only (the model page's success rate).", example: 'model-7f3a' })
  @ToTrimmed()
  @IsOptional()
  @IsIdentifier()
  model_id?: string;
}

/** `GET /reports/predictions/latest`: one model's newest predictions, whatever their status. */
export class LatestPredictionsQuery extends NewestFirstPageQuery {
  @ApiProperty({ description: 'The model.', example: 'model-7f3a' })
  @ToTrimmed()
  @IsIdentifier()
  model_id!: string;
}

export class RoundCountsDto {
  @ApiProperty({ example: 9 }) SUCCESS!: number;
  @ApiProperty({ example: 1 }) FAILED!: number;
  @ApiProperty({ example: 0 }) TIMEOUT!: number;
  @ApiProperty({ example: 2 }) ABSENT!: number;
}

/** One prediction round: its parameter set, what the models answered, and how far its scoring got. */
export class RoundDto {
  @ApiProperty({ example: '4f7e0c6e-3b8a-4d0a-9d4e-2f0f7b1f6a11' }) round_id!: string;
  @ApiProperty({ example: 'BTC-3600-60', description: '`{asset}-{horizon}-{step}`' }) param!: string;
  @ApiProperty({ example: 'BTC' }) asset!: string;
  @ApiProperty({ example: 3600 }) horizon!: number;
  @ApiProperty({ example: 60 }) step!: number;
  @ApiProperty({ example: '2025-01-01T12:00:00.000Z', description: 'The schedule slot the round filled.' }) scheduled_at!: string;
  @ApiProperty({ example: '2025-01-01T12:00:00.012Z', description: 'The forecast origin.' }) performed_at!: string;
  @ApiProperty({ example: '2025-01-01T13:00:00.012Z', description: 'performed_at + horizon: when the truth is known.' }) resolvable_at!: string;
  @ApiProperty({ type: RoundCountsDto, description: 'Stored predictions by status (the model\'s own one with model_id).' }) counts!: RoundCountsDto;
  @ApiProperty({ example: 12 }) predictions!: number;
  @ApiProperty({ example: 12, description: 'Predictions that carry their score.' }) scored!: number;
  @ApiProperty({ example: 0 }) unscored!: number;
  @ApiProperty({
    enum: ROUND_SCORING_STATES,
    example: 'scored',
    description:
      'predicting: no prediction stored yet; awaiting_horizon: the horizon has not elapsed; waiting_for_truth: resolvable with predictions still unscored ' +
      '(the truth prices or the scoring cycle are pending); scored: every prediction scored; void: voided by an operator, never counts.',
  })
  scoring_state!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) voided_at!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) void_reason!: string | null;
}

/**
 * @example
 *   mapRound(summary, Date.now()).scoring_state // 'waiting_for_truth'
 */
export function mapRound(r: RoundSummary, nowMs: number): RoundDto {
  const predictions = r.counts.SUCCESS + r.counts.FAILED + r.counts.TIMEOUT + r.counts.ABSENT;
  return {
    round_id: r.id,
    param: paramKey(r),
    asset: r.asset,
    horizon: r.horizon,
    step: r.step,
    scheduled_at: isoUtc(r.scheduledAt),
    performed_at: isoUtc(r.performedAt),
    resolvable_at: isoUtc(r.resolvableAt),
    counts: { ...r.counts },
    predictions,
    scored: r.scoredCount,
    unscored: r.unscoredCount,
    scoring_state: roundScoringState(r, nowMs),
    voided_at: isoUtcOrNull(r.voidedAt),
    void_reason: r.voidReason,
  };
}

/** One of a model's predictions: its outcome, execution time and, once scored, its score. */
export class LatestPredictionDto {
  @ApiProperty() prediction_id!: string;
  @ApiProperty() round_id!: string;
  @ApiProperty({ example: 'BTC-3600-60' }) param!: string;
  @ApiProperty({ example: 'BTC' }) asset!: string;
  @ApiProperty({ example: 3600 }) horizon!: number;
  @ApiProperty({ example: 60 }) step!: number;
  @ApiProperty({ enum: PREDICTION_STATUSES, example: 'SUCCESS' }) status!: string;
  @ApiProperty({ type: Number, nullable: true, example: 12.5, description: 'Milliseconds the model took to answer (null when it was not called).' }) exec_time_ms!: number | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Short reason of a FAILED, TIMEOUT or ABSENT prediction.' }) failure_reason!: string | null;
  @ApiProperty({ example: '2025-01-01T12:00:00.012Z' }) performed_at!: string;
  @ApiProperty({ example: '2025-01-01T13:00:00.012Z' }) resolvable_at!: string;
  @ApiProperty({ type: Number, nullable: true }) score_value!: number | null;
  @ApiProperty({ type: Boolean, nullable: true }) score_success!: boolean | null;
  @ApiProperty({ type: String, nullable: true }) score_failed_reason!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Null until scored.' }) scored_at!: string | null;
}

export function mapLatestPrediction(p: ModelPrediction): LatestPredictionDto {
  return {
    prediction_id: p.id,
    round_id: p.roundId,
    param: paramKey(p),
    asset: p.asset,
    horizon: p.horizon,
    step: p.step,
    status: p.status,
    exec_time_ms: p.execTimeUs === null ? null : p.execTimeUs / 1000,
    failure_reason: p.failureReason,
    performed_at: isoUtc(p.performedAt),
    resolvable_at: isoUtc(p.resolvableAt),
    score_value: p.scoreValue,
    score_success: p.scoreSuccess,
    score_failed_reason: p.scoreFailedReason,
    scored_at: isoUtcOrNull(p.scoredAt),
  };
}

/** The X-Next-Cursor of a page whose last row is `last`. */
export function nextCursor(last: { cursorAt: string; id: string } | undefined): string | undefined {
  return last === undefined ? undefined : encodePageCursor({ at: last.cursorAt, id: last.id });
}

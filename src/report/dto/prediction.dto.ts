import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ToInteger, ToTrimmed } from '../query/query-values';
import { ModelTimeRangeQuery } from './time-series.dto';

export const PREDICTIONS_DEFAULT_LIMIT = 500;
export const PREDICTIONS_MAX_LIMIT = 5_000;

/**
 * `GET /reports/predictions`: the scored predictions of the models in projectIds, newest first
 * (performed_at descending, then id). Page with `limit` and `cursor` (from the X-Next-Cursor
 * header) or `offset`; without any of them, the whole range in one body (downsampled when it
 * holds more than PREDICTIONS_MAX_LIMIT rows).
 */
export class PredictionsQuery extends ModelTimeRangeQuery {
  @ApiPropertyOptional({
    description: `Rows per page, newest first. Maximum ${PREDICTIONS_MAX_LIMIT}; ${PREDICTIONS_DEFAULT_LIMIT} when only cursor or offset is given. Without limit, cursor and offset: every row of the range when there are at most ${PREDICTIONS_MAX_LIMIT}, else one per model, parameter set and time bucket (X-Downsampled-Seconds says the bucket).`,
    minimum: 1,
    maximum: PREDICTIONS_MAX_LIMIT,
  })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PREDICTIONS_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque position returned in the X-Next-Cursor header of the previous page (preferred over offset).' })
  @ToTrimmed()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Rows to skip (ignored when cursor is given).', default: 0, minimum: 0, maximum: 1_000_000 })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

/** Seed route `GET /reports/predictions`: one scored prediction. */
export class ScoredPredictionDto {
  @ApiProperty({ example: 'model-7f3a' }) model_id!: string;
  @ApiProperty({ example: 'BTC-3600-60' }) param!: string;
  @ApiProperty({ example: 'BTC' }) asset!: string;
  @ApiProperty({ example: 3600 }) horizon!: number;
  @ApiProperty({ example: 60 }) step!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.0131, description: 'The score, or the penalty score when the prediction failed.' }) score_value!: number | null;
  @ApiProperty({ example: false }) score_failed!: boolean;
  @ApiProperty({ example: true, description: 'The opposite of score_failed: the web app flags a point whose score_success is false.' }) score_success!: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'expected 60 distributions, got 59', description: 'Short reason (first line, at most 200 characters); details stay in the logs.' })
  score_failed_reason!: string | null;
  @ApiProperty({ example: '2025-01-01T13:00:05.000Z' }) scored_at!: string;
  @ApiProperty({ example: '2025-01-01T12:00:00.000Z' }) performed_at!: string;
}

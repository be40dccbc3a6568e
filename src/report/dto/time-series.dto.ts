import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsDefined, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsIsoTimestamp } from '../query/iso-timestamp';
import { IsIdentifier, ToInteger, ToList, ToTrimmed } from '../query/query-values';
import { OffsetPageQuery } from './pagination';

/** The web app sends every selected model (all of them by default) comma-joined in one request. */
export const MAX_PROJECT_IDS = 1_000;
export const SCORE_SERIES_MAX_LIMIT = 10_000;

/** `projectIds`, `start`, `end` of the seed's time-series routes (both bounds inclusive). */
export class ModelTimeRangeQuery {
  @ApiProperty({
    type: [String],
    description: `Model ids: repeated (?projectIds=a&projectIds=b) or comma-separated (?projectIds=a,b), as the web app sends every selected model. At most ${MAX_PROJECT_IDS}.`,
    example: ['model-7f3a'],
  })
  @ToList()
  @IsDefined({ message: '$property is required (model ids, repeated or comma-separated)' })
  @IsArray({ message: '$property must be a list of model ids' })
  @ArrayNotEmpty({ message: '$property must name at least one model id' })
  @ArrayMaxSize(MAX_PROJECT_IDS, { message: `$property accepts at most ${MAX_PROJECT_IDS} model ids` })
  @IsIdentifier({ each: true, message: '$property must contain model ids of at most 256 printable characters' })
  projectIds!: string[];

  @ApiProperty({ description: 'Inclusive lower bound, ISO-8601 (no zone = UTC).', example: '2025-01-01T00:00:00Z' })
  @ToTrimmed()
  @IsDefined({ message: '$property is required (ISO-8601 datetime)' })
  @IsIsoTimestamp()
  start!: string;

  @ApiProperty({ description: 'Inclusive upper bound, ISO-8601 (no zone = UTC).', example: '2025-01-02T00:00:00Z' })
  @ToTrimmed()
  @IsDefined({ message: '$property is required (ISO-8601 datetime)' })
  @IsIsoTimestamp()
  end!: string;
}

export class ScoreSeriesQuery extends ModelTimeRangeQuery {
  @ApiPropertyOptional({
    description:
      `Rows per page, ordered by performed_at then model_id. Maximum ${SCORE_SERIES_MAX_LIMIT}; when more rows exist the X-Next-Offset header gives the next offset. ` +
      `Without limit and offset (a chart's request): every row of the range when it holds at most ${SCORE_SERIES_MAX_LIMIT}, else each model's newest snapshot per time bucket (X-Downsampled-Seconds says the bucket).`,
    minimum: 1,
    maximum: SCORE_SERIES_MAX_LIMIT,
  })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(SCORE_SERIES_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Rows to skip (see limit).', default: 0, minimum: 0, maximum: 1_000_000 })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

/** Seed route `GET /reports/models/global`: a model's overall scores at one snapshot. */
export class GlobalScoreDto {
  @ApiProperty({ example: 'model-7f3a' }) model_id!: string;
  @ApiProperty({ type: Number, nullable: true, example: 0.0123 }) score_recent!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.0118 }) score_steady!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.0101 }) score_anchor!: number | null;
  @ApiProperty({ example: '2025-01-01T12:00:00.000Z' }) performed_at!: string;
}

/** Seed route `GET /reports/models/params`: a model's scores on one parameter set at one snapshot. */
export class ParamScoreDto {
  @ApiProperty({ example: 'model-7f3a' }) model_id!: string;
  @ApiProperty({ example: 'BTC-3600-60', description: '"{asset}-{horizon}-{step}"' }) param!: string;
  @ApiProperty({ example: 'BTC' }) asset!: string;
  @ApiProperty({ example: 3600, description: 'Seconds.' }) horizon!: number;
  @ApiProperty({ example: 60, description: 'Seconds.' }) step!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.0123 }) score_recent!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.0118 }) score_steady!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.0101 }) score_anchor!: number | null;
  @ApiProperty({ example: '2025-01-01T12:00:00.000Z' }) performed_at!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsIsoTimestamp } from '../query/iso-timestamp';
import { IsIdentifier, ToInteger, ToTrimmed } from '../query/query-values';

export const SNAPSHOTS_DEFAULT_LIMIT = 500;
export const SNAPSHOTS_MAX_LIMIT = 5_000;

/** `GET /reports/snapshots`: score snapshots oldest first (performed_at, then id). */
export class SnapshotsQuery {
  @ApiPropertyOptional({ description: 'Only this model (all models when absent).', example: 'model-7f3a' })
  @ToTrimmed()
  @IsOptional()
  @IsIdentifier()
  model_id?: string;

  @ApiPropertyOptional({ description: 'Inclusive lower bound on performed_at (ISO-8601).', example: '2025-01-01T00:00:00Z' })
  @ToTrimmed()
  @IsOptional()
  @IsIsoTimestamp()
  since?: string;

  @ApiPropertyOptional({ description: 'Inclusive upper bound on performed_at (ISO-8601).', example: '2025-01-02T00:00:00Z' })
  @ToTrimmed()
  @IsOptional()
  @IsIsoTimestamp()
  until?: string;

  @ApiPropertyOptional({ description: `Rows per page. Default ${SNAPSHOTS_DEFAULT_LIMIT}, maximum ${SNAPSHOTS_MAX_LIMIT}. The next page's cursor is in X-Next-Cursor.`, default: SNAPSHOTS_DEFAULT_LIMIT, minimum: 1, maximum: SNAPSHOTS_MAX_LIMIT })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(SNAPSHOTS_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque position from the X-Next-Cursor header of the previous page.' })
  @ToTrimmed()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class ParamWindowDto {
  @ApiProperty({ type: Number, nullable: true }) value!: number | null;
  @ApiProperty({ type: Number, nullable: true }) count!: number | null;
  @ApiProperty({ type: Boolean, nullable: true }) complete!: boolean | null;
}

export class SnapshotParamDto {
  @ApiProperty({ example: 'BTC-3600-60' }) param!: string;
  @ApiProperty({ example: 'BTC' }) asset!: string;
  @ApiProperty({ example: 3600 }) horizon!: number;
  @ApiProperty({ example: 60 }) step!: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ParamWindowDto' }, example: { recent: { value: 0.012, count: 40, complete: true } } })
  windows!: Record<string, ParamWindowDto>;
}

/** A model's scores at one scoring cycle, overall and per parameter set. */
export class SnapshotDto {
  @ApiProperty({ example: '4f7e0c6e-3b8a-4d0a-9d4e-2f0f7b1f6a11' }) id!: string;
  @ApiProperty({ example: 'model-7f3a' }) model_id!: string;
  @ApiProperty({ example: '2025-01-01T12:00:00.000Z' }) performed_at!: string;
  @ApiProperty({ type: Number, nullable: true }) score_recent!: number | null;
  @ApiProperty({ type: Number, nullable: true }) score_steady!: number | null;
  @ApiProperty({ type: Number, nullable: true }) score_anchor!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ParamWindowDto' }, description: 'Overall score per window name.', example: { anchor: { value: 0.0101, count: 400, complete: false } } })
  windows!: Record<string, ParamWindowDto>;
  @ApiProperty({ type: [SnapshotParamDto] }) params!: SnapshotParamDto[];
}

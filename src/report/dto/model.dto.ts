import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ToInteger } from '../query/query-values';
import { OffsetPageQuery } from './pagination';

export const MODELS_MAX_LIMIT = 10_000;

/** Seed route `GET /reports/models`: one participant model. All fields are strings. */
export class ModelDto {
  @ApiProperty({ example: 'model-7f3a' }) model_id!: string;
  @ApiProperty({ example: 'gaussian-mixer' }) model_name!: string;
  @ApiProperty({ example: 'alice' }) cruncher_name!: string;
  @ApiProperty({ example: 'cruncher-42' }) cruncher_id!: string;
  @ApiProperty({ example: 'deployment-9' }) deployment_id!: string;
}

export class ModelsQuery extends OffsetPageQuery {
  @ApiPropertyOptional({ description: `Rows per page (ordered by model_id). Default and maximum ${MODELS_MAX_LIMIT}.`, default: MODELS_MAX_LIMIT, minimum: 1, maximum: MODELS_MAX_LIMIT })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MODELS_MAX_LIMIT)
  limit?: number;
}

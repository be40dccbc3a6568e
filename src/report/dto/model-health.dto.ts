import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsIsoTimestamp } from '../query/iso-timestamp';
import { ToTrimmed } from '../query/query-values';
import { ModelsQuery } from './model.dto';

export const MODEL_HEALTH_DEFAULT_HOURS = 24;

/** `GET /reports/models/health`: prediction statuses per model over a period (default: the last 24 h). */
export class ModelHealthQuery extends ModelsQuery {
  @ApiPropertyOptional({ description: `Inclusive lower bound on performed_at (ISO-8601). Default: ${MODEL_HEALTH_DEFAULT_HOURS} h before until.`, example: '2025-01-01T00:00:00Z' })
  @ToTrimmed()
  @IsOptional()
  @IsIsoTimestamp()
  since?: string;

  @ApiPropertyOptional({ description: 'Inclusive upper bound on performed_at (ISO-8601). Default: now.', example: '2025-01-02T00:00:00Z' })
  @ToTrimmed()
  @IsOptional()
  @IsIsoTimestamp()
  until?: string;
}

export class StatusCountsDto {
  @ApiProperty({ example: 120 }) SUCCESS!: number;
  @ApiProperty({ example: 2 }) FAILED!: number;
  @ApiProperty({ example: 1 }) TIMEOUT!: number;
  @ApiProperty({ example: 0 }) ABSENT!: number;
}

export class ExecTimeDto {
  @ApiProperty({ type: Number, nullable: true, example: 12.5 }) avg_ms!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 10.1 }) p50_ms!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 40.2 }) p95_ms!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 95.0 }) max_ms!: number | null;
}

export class ModelHealthDto {
  @ApiProperty({ example: 'model-7f3a' }) model_id!: string;
  @ApiProperty({ example: 'gaussian-mixer' }) model_name!: string;
  @ApiProperty({ example: 'alice' }) cruncher_name!: string;
  @ApiProperty({ example: 'RUNNING', description: 'Membership state reported by the orchestrator; NOT_RUNNING for a configured model that never ran (see setup_failure).' }) state!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) left_at!: string | null;
  @ApiProperty({ type: StatusCountsDto }) counts!: StatusCountsDto;
  @ApiProperty({ example: 123 }) total!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.975, description: 'SUCCESS / total; null without predictions.' }) success_rate!: number | null;
  @ApiProperty({ type: ExecTimeDto, description: 'Execution times of answered calls (any status with a measured time).' }) exec_time!: ExecTimeDto;
  @ApiProperty({ type: String, nullable: true, example: 'SUCCESS' }) last_status!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-01-01T12:00:00.000Z' }) last_performed_at!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'deadline exceeded', description: 'Short reason of the newest non-SUCCESS prediction that has one (first line, at most 200 characters).' }) last_failure_reason!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'BUILD_FAILED: pip could not install numpyy',
    description: 'Why the local orchestrator does not run this configured model (setup, build or start failure), when this process hosts the models; null otherwise. A configured model that never ran is listed on the first page with state NOT_RUNNING and zero counts.',
  })
  setup_failure!: string | null;
  @ApiProperty({ example: '2025-01-01T00:00:00.000Z' }) since!: string;
  @ApiProperty({ example: '2025-01-02T00:00:00.000Z' }) until!: string;
}

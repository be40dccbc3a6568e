import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import type { ModelOutputLine } from '../../local-orchestrator/logs/model-output-log';
import type { OrchestratorModel } from '../../local-orchestrator/local-orchestrator';

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const LANGUAGES = ['python', 'javascript', 'typescript'] as const;
const DESIRED_STATES = ['RUNNING', 'STOPPED'] as const;
export const LOG_LINES_DEFAULT = 200;
export const LOG_LINES_MAX = 1000;

/** The text fields of `POST /orchestrator/models` (multipart, beside the `archive` file). */
export class ModelUploadFields {
  @ApiProperty({ description: 'Letters, digits, `_`, `.`, `-`; at most 128. A new upload under the same id replaces the code.', example: 'my-tracker' })
  @IsString()
  @Matches(MODEL_ID, { message: 'model_id may hold only letters, digits, _ . - (starting with a letter or digit), at most 128' })
  model_id!: string;

  @ApiPropertyOptional({ description: 'Display name; the id when absent.', example: 'my tracker' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model_name?: string;

  @ApiProperty({ example: 'cruncher-42' })
  @IsString()
  @Matches(/^[^\u0000-\u001f\u007f]{1,200}$/, { message: 'cruncher_id must be 1 to 200 printable characters' })
  cruncher_id!: string;

  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cruncher_name?: string;

  @ApiPropertyOptional({ enum: LANGUAGES, description: 'Detected from the entry files when absent (needed when both Python and JS entries are present).' })
  @IsOptional()
  @IsIn(LANGUAGES)
  language?: (typeof LANGUAGES)[number];

  @ApiPropertyOptional({ enum: DESIRED_STATES, default: 'RUNNING' })
  @IsOptional()
  @IsIn(DESIRED_STATES)
  desired_state?: (typeof DESIRED_STATES)[number];
}

/** `PATCH /orchestrator/models/{id}`. */
export class DesiredStateBody {
  @ApiProperty({ enum: DESIRED_STATES })
  @IsIn(DESIRED_STATES)
  desired_state!: (typeof DESIRED_STATES)[number];
}

/** `GET /orchestrator/models/{id}/logs?lines=`. */
export class LogTailQuery {
  @ApiPropertyOptional({ default: LOG_LINES_DEFAULT, minimum: 1, maximum: LOG_LINES_MAX })
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value))
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LOG_LINES_MAX)
  lines?: number;
}

export class OrchestratorModelDto {
  @ApiProperty({ example: 'my-tracker' }) model_id!: string;
  @ApiProperty({ example: 'my tracker' }) name!: string;
  @ApiProperty({ example: 'cruncher-42' }) cruncher_id!: string;
  @ApiProperty({ example: 'alice' }) cruncher_name!: string;
  @ApiProperty({ enum: LANGUAGES }) language!: string;
  @ApiProperty({ enum: ['config', 'upload'], description: '`config`: the models config file (LOCAL_ORCHESTRATOR_MODELS_CONFIG); `upload`: uploaded here.' }) source!: string;
  @ApiProperty({ enum: DESIRED_STATES }) desired_state!: string;
  @ApiProperty({ enum: ['RUNNING', 'STOPPED', 'PENDING', 'FAILED'], description: 'FAILED: halted (start failure, crash loop, failure report): see status_message.' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) status_message!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'my-tracker-3' }) deployment_id!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) uploaded_at!: string | null;
  @ApiProperty({ example: '/orchestrator/models/my-tracker/logs', description: 'Where its output is tailed.' }) logs_url!: string;
}

export class ModelLogLineDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['stdout', 'stderr', 'orchestrator'] }) stream!: string;
  @ApiProperty({ example: 'fitted 3 components' }) line!: string;
}

export function mapOrchestratorModel(model: OrchestratorModel): OrchestratorModelDto {
  return { ...model, logs_url: `/orchestrator/models/${encodeURIComponent(model.model_id)}/logs` };
}

export function mapModelLogLine(line: ModelOutputLine): ModelLogLineDto {
  return { at: line.at.toISOString(), stream: line.stream, line: line.line };
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { OffsetPageQuery } from '../../report/dto/pagination';
import { IsIdentifier, ToInteger, ToTrimmed } from '../../report/query/query-values';
import type { AdminAction } from '../audit/admin-action.repository';

export const ADMIN_ACTIONS_DEFAULT_LIMIT = 50;
export const ADMIN_ACTIONS_MAX_LIMIT = 500;

/** `GET /admin/actions?limit&offset&action`. */
export class AdminActionsQuery extends OffsetPageQuery {
  @ApiPropertyOptional({ description: `Actions per page. Default ${ADMIN_ACTIONS_DEFAULT_LIMIT}, maximum ${ADMIN_ACTIONS_MAX_LIMIT}.`, default: ADMIN_ACTIONS_DEFAULT_LIMIT, minimum: 1, maximum: ADMIN_ACTIONS_MAX_LIMIT })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(ADMIN_ACTIONS_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Only actions of this name.', example: 'model.disable' })
  @ToTrimmed()
  @IsOptional()
  @IsIdentifier()
  action?: string;
}

export class AdminActionDto {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty({ description: 'Id of the API key that acted (`anonymous` when keys are off).', example: 'ops-alice' }) key_id!: string;
  @ApiProperty({ example: 'model.disable' }) action!: string;
  @ApiProperty({ nullable: true, type: String, example: 'model-7f3a' }) target!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { reason: 'copies another model' } }) parameters!: Record<string, unknown>;
  @ApiProperty({ enum: ['succeeded', 'failed'] }) outcome!: 'succeeded' | 'failed';
  @ApiProperty({ nullable: true, description: 'What the action returned, or `{ error }` when it failed.' }) result!: unknown;
  @ApiProperty({ format: 'date-time' }) acted_at!: string;
}

export function mapAdminAction(action: AdminAction): AdminActionDto {
  return {
    id: action.id,
    key_id: action.keyId,
    action: action.action,
    target: action.target,
    parameters: action.parameters,
    outcome: action.outcome,
    result: action.result,
    acted_at: action.actedAt.toISOString(),
  };
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { ModelFlag, RegisteredModel } from '../../predict/registry/model-registry.repository';
import { IsIdentifier, ToTrimmed } from '../../report/query/query-values';

export const MAX_REASON_LENGTH = 500;

/** The `{id}` path parameter of the model routes. */
export class ModelIdParam {
  @ApiProperty({ example: 'model-7f3a' })
  @IsIdentifier()
  id!: string;
}

/** Body of `disable` and `exclude`: why, for the audit trail and the orchestrator. */
export class ModelFlagBody {
  @ApiProperty({ example: 'copies the predictions of model-2b1c', minLength: 1, maxLength: MAX_REASON_LENGTH })
  @ToTrimmed()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_REASON_LENGTH)
  reason!: string;
}

export class ModelFlagDto {
  @ApiProperty({ format: 'date-time', description: 'When the flag was first set.' }) at!: string;
  @ApiProperty({ example: 'copies the predictions of model-2b1c' }) reason!: string;
}

/** A model's membership state and its operator flags, as an admin action leaves them. */
export class AdminModelDto {
  @ApiProperty({ example: 'model-7f3a' }) model_id!: string;
  @ApiProperty({ example: 'gaussian-mixer' }) model_name!: string;
  @ApiProperty({ example: 'RUNNING', description: 'What the orchestrator last said: RUNNING or STOPPED.' }) state!: string;
  @ApiProperty({ type: ModelFlagDto, nullable: true, description: 'Set: the model gets no tick or predict call and is reported to the orchestrator (LOW_PERFORMANCE).' })
  disabled!: ModelFlagDto | null;
  @ApiProperty({ type: ModelFlagDto, nullable: true, description: 'Set: the model keeps its history but gets no rank on new leaderboards and no payout.' })
  excluded!: ModelFlagDto | null;
}

export function mapAdminModel(model: RegisteredModel): AdminModelDto {
  return { model_id: model.id, model_name: model.name, state: model.state, disabled: mapFlag(model.disabled), excluded: mapFlag(model.excluded) };
}

function mapFlag(flag: ModelFlag | null): ModelFlagDto | null {
  return flag === null ? null : { at: new Date(flag.at).toISOString(), reason: flag.reason };
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CHECKPOINT_STATUSES, CheckpointStatus } from '../../rewards/checkpoints/checkpoint';

/** Largest pool accepted: beyond 2^53 a pool has no exact float, and base units would overflow any payer. */
export const MAX_POOL = Number.MAX_SAFE_INTEGER;
export const MAX_NOTE_LENGTH = 500;

/** `PUT /admin/checkpoints/{id}/pool`. */
export class CheckpointPoolBody {
  @ApiProperty({ example: 392.78, minimum: 0, description: 'The amount to distribute, in the reward unit (not base units).' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_POOL)
  pool!: number;
}

/** `POST /admin/checkpoints/{id}/status`. */
export class CheckpointMoveBody {
  @ApiProperty({ enum: CHECKPOINT_STATUSES, example: 'SUBMITTED', description: 'PENDING -> SUBMITTED -> CLAIMABLE -> PAID, or FAILED from any status that is not final.' })
  @IsIn(CHECKPOINT_STATUSES)
  to!: CheckpointStatus;

  @ApiPropertyOptional({ example: 'sent to the payer', maxLength: MAX_NOTE_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE_LENGTH)
  note?: string;
}

/** The 409 of an illegal move: the message and the status the checkpoint is in. */
export class CheckpointConflictDto {
  @ApiProperty({ example: 409 }) statusCode!: number;
  @ApiProperty({ example: 'Conflict' }) error!: string;
  @ApiProperty({ example: 'checkpoint 0b6f4a52-6f0e-4c4e-9a55-6c1d1f0f2a11 is PAID: cannot move to FAILED' }) message!: string;
  @ApiProperty({ enum: CHECKPOINT_STATUSES, example: 'PAID' }) current_status!: string;
}

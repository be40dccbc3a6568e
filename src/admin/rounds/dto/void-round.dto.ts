import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import type { RoundVoidOutcome } from '../../../score/rescore/round-void.service';

/** `POST /admin/rounds/{id}/void` body. */
export class VoidRoundDto {
  @ApiProperty({ description: 'Why the round is void (kept on the round and on its predictions).', example: 'BTC feed froze from 10:02 to 10:40', maxLength: 500 })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be empty' })
  @MaxLength(500)
  reason!: string;
}

export class RoundVoidDto {
  @ApiProperty({ format: 'uuid' }) round_id!: string;
  @ApiProperty({ description: 'True when the round was void already: nothing changed.' }) already_void!: boolean;
  @ApiProperty({ format: 'date-time' }) voided_at!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'Predictions whose scores were taken out of the windows.', example: 12 }) predictions!: number;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The job recomputing the snapshots and leaderboards since the round was scored (GET /admin/jobs/{id}); null when nothing was scored.' })
  history_job_id!: string | null;
}

export function mapRoundVoid(outcome: RoundVoidOutcome): RoundVoidDto {
  return {
    round_id: outcome.roundId,
    already_void: outcome.alreadyVoid,
    voided_at: outcome.voidedAt.toISOString(),
    reason: outcome.reason,
    predictions: outcome.predictions,
    history_job_id: outcome.historyJobId,
  };
}

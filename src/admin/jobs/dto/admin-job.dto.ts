import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { IsIsoTimestamp } from '../../../report/query/iso-timestamp';
import { ADMIN_JOB_KINDS, ADMIN_JOB_STATUSES, AdminJob } from '../admin-job';

/** `POST /admin/rescore` body: rescore the rounds whose `resolvable_at` is in [from, to]. */
export class RescoreRequestDto {
  @ApiProperty({ description: 'First resolvable_at of the range (ISO-8601).', example: '2026-01-01T00:00:00Z' })
  @IsString()
  @IsIsoTimestamp()
  from!: string;

  @ApiProperty({ description: 'Last resolvable_at of the range (ISO-8601), not before `from`.', example: '2026-01-02T00:00:00Z' })
  @IsString()
  @IsIsoTimestamp()
  to!: string;
}

export class AdminJobProgressDto {
  @ApiProperty({ enum: ['rounds', 'history', 'done'], description: '`rounds`: rescoring rounds; `history`: rewriting the snapshots, commitments and leaderboards of the cycles reached.' }) phase!: string;
  @ApiProperty({ example: 120 }) rounds_done!: number;
  @ApiProperty({ nullable: true, type: Number, example: 336 }) rounds_total!: number | null;
  @ApiProperty({ description: 'Rounds left as they were because their ground truth is still awaited.', example: 0 }) rounds_waiting!: number;
  @ApiProperty({ example: 40 }) cycles_done!: number;
  @ApiProperty({ nullable: true, type: Number, example: 200 }) cycles_total!: number | null;
}

export class AdminJobDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ADMIN_JOB_KINDS }) kind!: string;
  @ApiProperty({ enum: ADMIN_JOB_STATUSES }) status!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' } }) parameters!: Record<string, unknown>;
  @ApiProperty({ type: AdminJobProgressDto }) progress!: AdminJobProgressDto;
  @ApiProperty({ nullable: true, type: String, description: 'Why it failed (resume it with POST /admin/jobs/{id}/resume).' }) error!: string | null;
  @ApiProperty({ description: 'Id of the API key that started it (`cli` from the command line).' }) key_id!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) started_at!: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) finished_at!: string | null;
}

export function mapAdminJob(job: AdminJob): AdminJobDto {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    parameters: job.parameters,
    progress: {
      phase: job.progress.phase,
      rounds_done: job.progress.roundsDone,
      rounds_total: job.progress.roundsTotal,
      rounds_waiting: job.progress.roundsWaiting,
      cycles_done: job.progress.cyclesDone,
      cycles_total: job.progress.cyclesTotal,
    },
    error: job.error,
    key_id: job.keyId,
    created_at: job.createdAt.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    finished_at: job.finishedAt?.toISOString() ?? null,
  };
}

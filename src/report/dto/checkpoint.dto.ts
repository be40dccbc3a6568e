import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Checkpoint, CheckpointMove, CheckpointPayout } from '../../rewards/checkpoints/checkpoint';
import { CHECKPOINT_STATUSES } from '../../rewards/checkpoints/checkpoint';
import { OffsetPageQuery } from './pagination';
import { IsIdentifier, ToInteger, ToTrimmed } from '../query/query-values';
import { isoUtc, isoUtcOrNull } from '../read-model/iso-utc';

export const CHECKPOINTS_DEFAULT_LIMIT = 20;
export const CHECKPOINTS_MAX_LIMIT = 200;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `GET /reports/checkpoints`: newest period first. */
export class CheckpointsQuery extends OffsetPageQuery {
  @ApiPropertyOptional({ description: `Checkpoints per page. Default ${CHECKPOINTS_DEFAULT_LIMIT}, maximum ${CHECKPOINTS_MAX_LIMIT}.`, default: CHECKPOINTS_DEFAULT_LIMIT, minimum: 1, maximum: CHECKPOINTS_MAX_LIMIT })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(CHECKPOINTS_MAX_LIMIT)
  limit?: number;
}

/** `GET /reports/checkpoints/{id}/proof?model_id=`. */
export class CheckpointProofQuery {
  @ApiProperty({ description: 'The paid model.', example: 'model-7f3a' })
  @ToTrimmed()
  @IsIdentifier()
  model_id!: string;
}

/** The `{id}` path parameter. */
export class CheckpointIdParam {
  @ApiProperty({ example: '0b6f4a52-6f0e-4c4e-9a55-6c1d1f0f2a11' })
  @IsString()
  @MaxLength(36)
  @Matches(UUID_PATTERN, { message: 'id must be a checkpoint id (a UUID)' })
  id!: string;
}

export class CheckpointCyclesDto {
  @ApiProperty({ description: 'Scoring cycles committed in the period (period_start, period_end].' }) count!: number;
  @ApiProperty({ type: String, nullable: true }) first_cycle_at!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The newest cycle at or before period_end.' }) last_cycle_at!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "That cycle's chained root: the checkpoint's previous_root." }) last_chained_root!: string | null;
}

/** A checkpoint without its entries and payouts. */
export class CheckpointSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '2026-06-01T00:00:00.000Z' }) period_start!: string;
  @ApiProperty({ example: '2026-06-08T00:00:00.000Z' }) period_end!: string;
  @ApiProperty() created_at!: string;
  @ApiProperty({ enum: CHECKPOINT_STATUSES }) status!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Null until set (no pool in the competition file).' }) pool!: number | null;
  @ApiProperty({ description: 'Base-unit decimals of `units`.' }) decimals!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Sum of the payouts in base units (decimal string); null until the pool is set.' }) distributed_units!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Merkle root over the payout leaves (hex).' }) payouts_root!: string | null;
  @ApiProperty({ type: String, nullable: true }) previous_root!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'H(0x02 || previous_root || payouts_root): commits to the payouts and every cycle root up to the period end.' }) chained_root!: string | null;
  @ApiProperty({ type: CheckpointCyclesDto }) cycles!: CheckpointCyclesDto;
}

export class CheckpointPayoutDto {
  @ApiProperty({ description: 'Position in the payout tree.' }) leaf_index!: number;
  @ApiProperty() model_id!: string;
  @ApiProperty() model_name!: string;
  @ApiProperty() player_id!: string;
  @ApiProperty() player_name!: string;
  @ApiProperty({ example: 3600 }) horizon!: number;
  @ApiProperty() rank!: number;
  @ApiProperty() score!: number;
  @ApiProperty({ description: 'Floating point, as the reward function computed it.' }) amount!: number;
  @ApiProperty({ description: 'Integer base units (decimal string).', example: '75759831' }) units!: string;
}

export class CheckpointMoveDto {
  @ApiProperty({ type: String, nullable: true }) from!: string | null;
  @ApiProperty() to!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
}

export class FrozenEntryDto {
  @ApiProperty() model_id!: string;
  @ApiProperty() model_name!: string;
  @ApiProperty() cruncher_id!: string;
  @ApiProperty() cruncher_name!: string;
  @ApiProperty() rank!: number;
  @ApiProperty({ type: Number, nullable: true }) score_recent!: number | null;
  @ApiProperty({ type: Number, nullable: true }) score_steady!: number | null;
  @ApiProperty({ type: Number, nullable: true }) score_anchor!: number | null;
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ horizon: 3600, scores: { anchor: 0.41 } }] }) horizons!: Array<{ horizon: number; scores: Record<string, number | null> }>;
}

export class CheckpointDetailDto extends CheckpointSummaryDto {
  @ApiProperty({ type: String, nullable: true }) leaderboard_id!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the frozen leaderboard was computed.' }) leaderboard_at!: string | null;
  @ApiProperty({ type: [FrozenEntryDto], description: 'The ranked entries of the leaderboard of that instant.' }) entries!: FrozenEntryDto[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ name: 'anchor', seconds: 604800 }] }) windows!: Array<{ name: string; seconds: number }>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The reward settings it used (function, options, direction, ...).' }) settings!: Record<string, unknown>;
  @ApiProperty({ type: [CheckpointPayoutDto] }) payouts!: CheckpointPayoutDto[];
  @ApiProperty({ type: [CheckpointMoveDto] }) moves!: CheckpointMoveDto[];
  @ApiProperty({ type: [String] }) warnings!: string[];
}

export class EmissionDto {
  @ApiProperty() model_id!: string;
  @ApiProperty() model_name!: string;
  @ApiProperty() player_name!: string;
  @ApiProperty({ description: 'Sum over horizons, floating point.' }) amount!: number;
  @ApiProperty({ description: 'Sum over horizons, base units (decimal string).' }) units!: string;
}

/** `GET /reports/emissions/latest`: what the newest paid-out (or payable) checkpoint gives each model. */
export class EmissionsDto {
  @ApiProperty({ type: CheckpointSummaryDto, nullable: true, description: 'Null before the first checkpoint with payouts.' }) checkpoint!: CheckpointSummaryDto | null;
  @ApiProperty({ type: [EmissionDto] }) emissions!: EmissionDto[];
}

export function mapCheckpointSummary(c: Checkpoint): CheckpointSummaryDto {
  return {
    id: c.id,
    period_start: isoUtc(c.periodStart),
    period_end: isoUtc(c.periodEnd),
    created_at: isoUtc(c.createdAt),
    status: c.status,
    pool: c.pool,
    decimals: c.decimals,
    distributed_units: c.distributedUnits === null ? null : c.distributedUnits.toString(),
    payouts_root: c.payoutsRoot,
    previous_root: c.previousRoot,
    chained_root: c.chainedRoot,
    cycles: { ...c.cycles },
  };
}

export function mapPayout(p: CheckpointPayout): CheckpointPayoutDto {
  return { leaf_index: p.leafIndex, model_id: p.modelId, model_name: p.modelName, player_id: p.playerId, player_name: p.playerName, horizon: p.horizon, rank: p.rank, score: p.score, amount: p.amount, units: p.units.toString() };
}

export function mapCheckpointDetail(c: Checkpoint, payouts: readonly CheckpointPayout[], moves: readonly CheckpointMove[]): CheckpointDetailDto {
  return {
    ...mapCheckpointSummary(c),
    leaderboard_id: c.leaderboardId,
    leaderboard_at: isoUtcOrNull(c.leaderboardAt),
    entries: c.entries,
    windows: c.windows,
    settings: { ...c.settings },
    payouts: payouts.map(mapPayout),
    moves: moves.map((m) => ({ from: m.from, to: m.to, actor: m.actor, at: isoUtc(m.at), note: m.note })),
    warnings: c.warnings,
  };
}

/** One line per paid model: its payouts summed over horizons, in the order of its first payout. */
export function mapEmissions(c: Checkpoint | null, payouts: readonly CheckpointPayout[]): EmissionsDto {
  const byModel = new Map<string, EmissionDto & { total: bigint }>();
  for (const p of payouts) {
    const line = byModel.get(p.modelId) ?? { model_id: p.modelId, model_name: p.modelName, player_name: p.playerName, amount: 0, units: '0', total: 0n };
    line.amount += p.amount;
    line.total += p.units;
    byModel.set(p.modelId, line);
  }
  return { checkpoint: c === null ? null : mapCheckpointSummary(c), emissions: [...byModel.values()].map(({ total, ...line }) => ({ ...line, units: total.toString() })) };
}

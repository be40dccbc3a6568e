import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { CycleCommitment } from '../../commitments/cycle-commitment';
import type { ProofDocument } from '../../rewards/commitments/proof-document';
import { IsIsoTimestamp } from '../query/iso-timestamp';
import { IsIdentifier, ToInteger, ToTrimmed } from '../query/query-values';
import { isoUtc } from '../read-model/iso-utc';
import { OffsetPageQuery } from './pagination';

export const CYCLES_DEFAULT_LIMIT = 100;
export const CYCLES_MAX_LIMIT = 1_000;

/** `GET /reports/merkle/cycles`: committed scoring cycles, newest first. */
export class MerkleCyclesQuery extends OffsetPageQuery {
  @ApiPropertyOptional({ description: 'Inclusive lower bound on the cycle time (ISO-8601).', example: '2026-01-01T00:00:00Z' })
  @ToTrimmed()
  @IsOptional()
  @IsIsoTimestamp()
  since?: string;

  @ApiPropertyOptional({ description: 'Inclusive upper bound on the cycle time (ISO-8601).', example: '2026-01-08T00:00:00Z' })
  @ToTrimmed()
  @IsOptional()
  @IsIsoTimestamp()
  until?: string;

  @ApiPropertyOptional({ description: `Cycles per page. Default ${CYCLES_DEFAULT_LIMIT}, maximum ${CYCLES_MAX_LIMIT}.`, default: CYCLES_DEFAULT_LIMIT, minimum: 1, maximum: CYCLES_MAX_LIMIT })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(CYCLES_MAX_LIMIT)
  limit?: number;
}

/** `GET /reports/merkle/proof?cycle=&model_id=`. */
export class MerkleProofQuery {
  @ApiProperty({ description: 'The cycle time, as `cycle_at` of /reports/merkle/cycles (ISO-8601).', example: '2026-01-05T00:00:00.000Z' })
  @ToTrimmed()
  @IsIsoTimestamp()
  cycle!: string;

  @ApiProperty({ example: 'model-7f3a' })
  @ToTrimmed()
  @IsIdentifier()
  model_id!: string;
}

export class CycleCommitmentDto {
  @ApiProperty({ example: '2026-01-05T00:00:00.000Z' }) cycle_at!: string;
  @ApiProperty({ description: 'Score leaves (one per model).' }) leaf_count!: number;
  @ApiProperty({ description: 'Merkle root of the cycle (hex SHA-256).' }) root!: string;
  @ApiProperty({ type: String, nullable: true, description: "The previous cycle's chained root; null for the first cycle." }) previous_root!: string | null;
  @ApiProperty({ description: 'H(0x02 || previous_root || root).' }) chained_root!: string;
}

export class ProofSiblingDto {
  @ApiProperty({ enum: ['left', 'right'] }) position!: 'left' | 'right';
  @ApiProperty() hash!: string;
}

/** A proof document: what docs/verify_proof.py checks (README, "Verifiable commitments"). */
export class ProofDocumentDto {
  @ApiProperty({ example: 1 }) version!: 1;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The leaf fields (kind score or payout), re-encoded by the verifier.' }) leaf!: Record<string, unknown>;
  @ApiProperty() leaf_hash!: string;
  @ApiProperty() leaf_index!: number;
  @ApiProperty() leaf_count!: number;
  @ApiProperty({ type: [ProofSiblingDto] }) siblings!: ProofSiblingDto[];
  @ApiProperty() root!: string;
  @ApiProperty({ type: String, nullable: true }) previous_root!: string | null;
  @ApiProperty() chained_root!: string;
}

export function mapCycleCommitment(c: CycleCommitment): CycleCommitmentDto {
  return { cycle_at: isoUtc(c.cycleAt), leaf_count: c.leafCount, root: c.root, previous_root: c.previousRoot, chained_root: c.chainedRoot };
}

export function mapProofDocument(doc: ProofDocument): ProofDocumentDto {
  return { ...doc, leaf: { ...doc.leaf }, siblings: doc.siblings.map((s) => ({ ...s })) };
}

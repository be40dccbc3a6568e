import { Inject, Injectable } from '@nestjs/common';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { ScoreSnapshotRepository } from '../../score/score-snapshot.repository';
import type { Checkpoint } from '../checkpoints/checkpoint';
import { payoutLeaves, payoutTree } from '../checkpoints/checkpoint-payouts';
import { CheckpointRepository } from '../checkpoints/checkpoint.repository';
import { cycleLeaves, cycleTree, hexOrNull } from '../../commitments/cycle-commitment';
import { payoutLeafDocument, proofDocument, ProofDocument, scoreLeafDocument } from './proof-document';
import { ScoreCommitmentRepository } from '../../score/score-commitment.repository';

/** Why no proof can be given: the report answers 404 with this message. */
export class ProofUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProofUnavailableError';
  }
}

/**
 * Inclusion proofs against published roots. A cycle's tree is rebuilt from its stored snapshots
 * and must reproduce the committed root (else the snapshots were altered: no proof is given); a
 * checkpoint's tree from its stored payouts, likewise.
 *
 * @example
 *   const doc = await proofs.cycleProof(new Date('2026-01-05T00:00:00Z'), 'model-7'); // docs/verify_proof.py accepts it
 */
@Injectable()
export class MerkleProofService {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly commitments: ScoreCommitmentRepository,
    private readonly snapshots: ScoreSnapshotRepository,
    private readonly checkpoints: CheckpointRepository,
  ) {}

  async cycleProof(cycleAt: Date, modelId: string): Promise<ProofDocument> {
    const commitment = await this.commitments.at(this.competition.id, cycleAt);
    if (commitment === null) throw new ProofUnavailableError(`no scoring cycle committed at ${cycleAt.toISOString()}`);
    const snapshots = await this.snapshots.windowsAt(cycleAt);
    if (snapshots.length === 0) throw new ProofUnavailableError(`the snapshots of cycle ${cycleAt.toISOString()} were pruned; its root stays published`);
    const leaves = cycleLeaves(this.competition.id, cycleAt.getTime(), snapshots);
    const tree = cycleTree(leaves);
    if (tree.root.toString('hex') !== commitment.root) throw new ProofUnavailableError(`the stored snapshots of cycle ${cycleAt.toISOString()} no longer match its committed root`);
    const index = leaves.findIndex((l) => l.modelId === modelId);
    if (index < 0) throw new ProofUnavailableError(`model "${modelId}" has no score in cycle ${cycleAt.toISOString()}`);
    return proofDocument(scoreLeafDocument(leaves[index]), tree, index, hexOrNull(commitment.previousRoot));
  }

  /** Proofs of every payout of `modelId` in a checkpoint (one per horizon it is paid on). */
  async payoutProofs(checkpoint: Checkpoint, modelId: string): Promise<ProofDocument[]> {
    if (checkpoint.payoutsRoot === null) throw new ProofUnavailableError(`checkpoint ${checkpoint.id} has no payouts yet (its pool is not set)`);
    const payouts = await this.checkpoints.payouts(checkpoint.id);
    const leaves = payoutLeaves(this.competition.id, checkpoint.id, checkpoint.decimals, payouts);
    const tree = payoutTree(leaves);
    if (tree.root.toString('hex') !== checkpoint.payoutsRoot) throw new ProofUnavailableError(`the stored payouts of checkpoint ${checkpoint.id} no longer match its committed root`);
    const indexes = leaves.flatMap((l, i) => (l.modelId === modelId ? [i] : []));
    if (indexes.length === 0) throw new ProofUnavailableError(`model "${modelId}" has no payout in checkpoint ${checkpoint.id}`);
    return indexes.map((i) => proofDocument(payoutLeafDocument(leaves[i]), tree, i, hexOrNull(checkpoint.previousRoot)));
  }
}

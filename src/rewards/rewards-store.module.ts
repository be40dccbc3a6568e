import { Module } from '@nestjs/common';
import { ScoreSnapshotRepository } from '../score/score-snapshot.repository';
import { CheckpointRepository } from './checkpoints/checkpoint.repository';
import { ScoreCommitmentRepository } from '../score/score-commitment.repository';
import { MerkleProofService } from './commitments/merkle-proof.service';

/**
 * The rewards tables' repositories and the proofs built from them (SQL only, no jobs): what the
 * score cycle needs to write its commitment, and what the report reads. Needs the `DataSource`
 * and `COMPETITION` from the app.
 */
@Module({
  providers: [ScoreCommitmentRepository, CheckpointRepository, ScoreSnapshotRepository, MerkleProofService],
  exports: [ScoreCommitmentRepository, CheckpointRepository, MerkleProofService],
})
export class RewardsStoreModule {}

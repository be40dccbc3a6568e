import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { VirtualClock } from '../../src/clock/clock';
import { ClockModule } from '../../src/clock/clock.module';
import { JobScheduler } from '../../src/clock/job-scheduler';
import { COMPETITION } from '../../src/config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { LeaderboardService } from '../../src/leaderboard/leaderboard.service';
import { CheckpointStatusService } from '../../src/rewards/checkpoints/checkpoint-status.service';
import { CheckpointService } from '../../src/rewards/checkpoints/checkpoint.service';
import { CheckpointRepository } from '../../src/rewards/checkpoints/checkpoint.repository';
import { CheckpointsModule } from '../../src/rewards/checkpoints/checkpoints.module';
import { MerkleProofService } from '../../src/rewards/commitments/merkle-proof.service';
import type { ProofDocument } from '../../src/rewards/commitments/proof-document';
import { ScoreCommitmentRepository } from '../../src/score/score-commitment.repository';
import { GROUND_TRUTH, GroundTruthSource } from '../../src/score/ground-truth.source';
import { ScoreCycleService } from '../../src/score/score-cycle.service';
import { ScoreRetentionService } from '../../src/score/score-retention.service';
import { ScheduledJobs } from '../../src/clock/scheduled-jobs.service';

export interface CheckpointApp {
  module: TestingModule;
  checkpoints: CheckpointService;
  status: CheckpointStatusService;
  repository: CheckpointRepository;
  commitments: ScoreCommitmentRepository;
  proofs: MerkleProofService;
  cycles: ScoreCycleService;
  leaderboard: LeaderboardService;
  retention: ScoreRetentionService;
  close(): Promise<void>;
}

/** Boots scoring, the leaderboard and checkpoints as the score role does, on a virtual clock, with their jobs armed. */
export async function startCheckpoints(dataSource: DataSource, competition: CompetitionDefinition, clock: VirtualClock, truth: GroundTruthSource): Promise<CheckpointApp> {
  @Global()
  @Module({
    providers: [
      { provide: DataSource, useValue: dataSource },
      { provide: COMPETITION, useValue: competition },
      { provide: GROUND_TRUTH, useValue: truth },
    ],
    exports: [DataSource, COMPETITION, GROUND_TRUTH],
  })
  class TestAppModule {}

  const module = await Test.createTestingModule({ imports: [TestAppModule, ClockModule.forRoot(clock), CheckpointsModule] }).compile();
  await module.init();
  await module.get(ScheduledJobs).start();
  return {
    module,
    checkpoints: module.get(CheckpointService),
    status: module.get(CheckpointStatusService),
    repository: module.get(CheckpointRepository),
    commitments: module.get(ScoreCommitmentRepository),
    proofs: module.get(MerkleProofService),
    cycles: module.get(ScoreCycleService),
    leaderboard: module.get(LeaderboardService),
    retention: module.get(ScoreRetentionService),
    async close() {
      await module.get(JobScheduler).stop(1000);
      await module.close();
    },
  };
}

const VERIFIER = path.resolve(__dirname, '../../docs/verify_proof.py');
export const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Runs docs/verify_proof.py on the proofs; its exit status (0: every proof verifies) and lines. */
export function verifyWithPython(proofs: ProofDocument[]): { status: number | null; lines: string[] } {
  const run = spawnSync('python3', [VERIFIER], { input: JSON.stringify(proofs), encoding: 'utf8' });
  if (run.stderr) throw new Error(run.stderr);
  return { status: run.status, lines: run.stdout.trimEnd().split('\n') };
}

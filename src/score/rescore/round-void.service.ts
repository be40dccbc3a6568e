import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminJobRepository } from '../../admin/jobs/admin-job.repository';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { PredictionRoundRepository } from '../../predict/round/prediction-round.repository';
import { ScoreWindowRepository } from '../score-window.repository';
import { WindowBuckets } from '../window-buckets';
import { historyJobParameters, historySpanOf } from './rescore-parameters';
import { bucketCorrections } from './round-rescoring';

export class RoundNotFoundError extends Error {
  constructor(readonly roundId: string) {
    super(`round ${roundId} does not exist`);
    this.name = 'RoundNotFoundError';
  }
}

/** What voiding a round did. `alreadyVoid`: it was void before, nothing changed. */
export interface RoundVoidOutcome {
  roundId: string;
  alreadyVoid: boolean;
  voidedAt: Date;
  reason: string;
  /** Predictions whose scores were taken out (0 when already void). */
  predictions: number;
  /** The queued recompute of the snapshots and leaderboards since the round was scored; null when nothing was scored. */
  historyJobId: string | null;
}

/**
 * Voids a round (a feed glitch): in one transaction, under the round's row lock (a cycle skips a
 * locked round, and never claims a void one), the window buckets lose exactly what its
 * predictions added (`bucketCorrections` of their stored scores; a bucket left empty is deleted
 * and a model's first scored bucket moves on), the predictions lose their scores (and those not
 * scored yet are closed), and the recompute of the history since it was scored is queued as an
 * admin job for the score role. Needs no ground truth, so any instance serving the admin API can void.
 *
 * @example
 *   await voids.voidRound('6f1c…', 'BTC feed froze at 10:02', 'ops-alice'); // { alreadyVoid: false, predictions: 12, historyJobId: '…' }
 */
@Injectable()
export class RoundVoidService {
  private readonly buckets: WindowBuckets;

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly rounds: PredictionRoundRepository,
    private readonly windows: ScoreWindowRepository,
    private readonly jobs: AdminJobRepository,
  ) {
    this.buckets = new WindowBuckets(competition.scoring.windows);
  }

  async voidRound(roundId: string, reason: string, keyId: string): Promise<RoundVoidOutcome> {
    const atMs = this.clock.nowMs();
    return this.dataSource.transaction(async (em) => {
      const state = await this.rounds.lockRoundForVoid(em, roundId);
      if (state === null) throw new RoundNotFoundError(roundId);
      if (state.voidedAt !== null) {
        return { roundId, alreadyVoid: true, voidedAt: state.voidedAt, reason: state.voidReason ?? '', predictions: 0, historyJobId: null };
      }
      const stored = await this.rounds.storedScores(em, [roundId]);
      const emptied = await this.windows.correctBuckets(em, bucketCorrections(stored, [], this.buckets));
      await this.windows.repairCoverage(em, emptied);
      const predictions = await this.rounds.markRoundVoid(em, roundId, reason, atMs);
      const counted = stored.filter((s) => s.counted);
      let historyJobId: string | null = null;
      if (counted.length > 0) {
        const span = historySpanOf(this.buckets, Math.min(...counted.map((s) => s.scoredAtMs)), Math.max(...counted.map((s) => s.resolvableAtMs)));
        const job = await this.jobs.create({ competitionId: this.competition.id, kind: 'history-recompute', parameters: historyJobParameters(span, roundId), keyId }, em);
        historyJobId = job.id;
      }
      return { roundId, alreadyVoid: false, voidedAt: new Date(atMs), reason, predictions, historyJobId };
    });
  }
}

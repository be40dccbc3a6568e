import { Inject, Injectable } from '@nestjs/common';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import type { GroundTruthAnswer, GroundTruthQuery, GroundTruthSource } from '../score/ground-truth.source';
import { TournamentRoundRepository } from './tournament-round.repository';

/**
 * A tournament's ground truth: the truth posted for the round whose prediction round has the
 * query's origin (`performedAtMs`), as the scorer's list of numbers (a number becomes `[n]`).
 * Not posted yet: retryable, so the round waits (until `scoring.maxWaitSeconds`, then it is void).
 *
 * @example
 *   await truth.groundTruth({ subject: 'round', performedAtMs: t0, horizon: 1, step: 1, target: 'difference' })
 *   // { ok: true, values: [0.4, -1.2, 0.9] }  once POST /tournament/rounds/{id}/truth stored [0.4, -1.2, 0.9]
 */
@Injectable()
export class TournamentGroundTruth implements GroundTruthSource {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly rounds: TournamentRoundRepository,
  ) {}

  async groundTruth(q: GroundTruthQuery): Promise<GroundTruthAnswer> {
    const round = await this.rounds.truthAt(this.competition.id, q.performedAtMs);
    const at = new Date(q.performedAtMs).toISOString();
    if (round === undefined) return { ok: false, reason: `no tournament round was opened at ${at}`, retryable: false };
    if (round.truth === null) return { ok: false, reason: `tournament round ${round.id}: waiting for its truth (POST /tournament/rounds/${round.id}/truth)`, retryable: true };
    return { ok: true, values: typeof round.truth === 'number' ? [round.truth] : [...round.truth] };
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Clock } from '../clock/clock';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition, TournamentDefinition } from '../config/competition/competition.types';
import { CompetitionSyncService } from '../competition/competition-sync.service';
import { PredictionConfig } from '../competition/prediction-config';
import { PredictionConfigRepository } from '../competition/prediction-config.repository';
import { methodArguments } from '../predict/calls/method-arguments';
import { PredictionRoundService } from '../predict/round/prediction-round.service';
import { ScoreCycleService } from '../score/score-cycle.service';
import { RoundRequest } from './round-inputs';
import { TournamentPrediction, TournamentRound } from './tournament-round';
import { TournamentRoundRepository } from './tournament-round.repository';
import { TournamentConflictError, TournamentRoundNotFoundError, TournamentUnavailableError } from './tournament.errors';

/** How long a truth POST tries to get its round scored before answering (the next cycle scores it otherwise). */
const SCORE_WAIT_MS = 30_000;
const SCORE_RETRY_MS = 100;

/** A round and whether this call opened it (false: the same POST came before). */
export interface OpenedRound {
  round: TournamentRound;
  created: boolean;
}

/**
 * Tournament rounds through the existing pipeline. Opening a round stores it, then runs one
 * prediction round of the tournament's parameter set with the round's inputs as the predict
 * arguments (PredictionRoundService: the same model calls, output checks and tables as a scheduled
 * round). Posting its truth stores it, then runs a scoring cycle (ScoreCycleService, whose
 * ground truth is TournamentGroundTruth): the leaderboard and the report update as for any round.
 *
 * Idempotent: a round id (`round_id` or Idempotency-Key) opens one round, however often posted
 * with the same inputs (other inputs: a conflict); the same truth again changes nothing (another
 * truth: a conflict). Rounds are opened one at a time in a process, each at a later millisecond,
 * so every prediction round has its own origin (the key of its ground truth).
 *
 * @example
 *   const { round } = await tournament.open({ clientRoundId: 'week-12', inputs, inputsFile: null });
 *   await tournament.postTruth(round.id, [0.4, -1.2, 0.9]); // round.status 'scored'
 */
@Injectable()
export class TournamentService {
  private readonly logger = new Logger(TournamentService.name);
  private readonly tournament: TournamentDefinition;
  private opening: Promise<unknown> = Promise.resolve();
  private lastOriginMs = 0;

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly rounds: TournamentRoundRepository,
    private readonly configs: PredictionConfigRepository,
    private readonly sync: CompetitionSyncService,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
  ) {
    if (!competition.tournament) throw new Error(`competition ${competition.id} is not a tournament (no tournament: section)`);
    this.tournament = competition.tournament;
  }

  /** Opens a round (or returns the one its round id opened before). */
  async open(request: RoundRequest): Promise<OpenedRound> {
    const inputsSha256 = sha256(request.inputs);
    if (request.clientRoundId !== null) {
      const existing = await this.rounds.byClientRoundId(this.competition.id, request.clientRoundId);
      // An open round long past its call deadline was cut short (a crash mid-round): it opens again.
      if (existing && existing.status === 'open' && this.clock.nowMs() - existing.openedAt.getTime() > this.staleOpenMs()) await this.rounds.discard(existing.id);
      else if (existing) return { round: this.sameInputs(existing, inputsSha256), created: false };
    }
    const roundService = this.optional(PredictionRoundService);
    if (!roundService) throw new TournamentUnavailableError('this instance does not call models (ROLES has no predict): post rounds to an instance with the predict and report roles');
    const id = randomUUID();
    const opened = await this.rounds.open({ id, competitionId: this.competition.id, clientRoundId: request.clientRoundId, inputs: request.inputs, inputsSha256, inputsFile: request.inputsFile });
    if (!opened) {
      // Another request with the same round id won the insert.
      const existing = await this.rounds.byClientRoundId(this.competition.id, request.clientRoundId!);
      if (existing) return { round: this.sameInputs(existing, inputsSha256), created: false };
      throw new TournamentUnavailableError(`round ${request.clientRoundId} could not be stored`);
    }
    try {
      await this.inTurn(() => this.predict(roundService, id, request.inputs));
    } catch (error) {
      await this.rounds.discard(id);
      throw error;
    }
    return { round: await this.get(id), created: true };
  }

  /** Stores the round's truth (once) and scores the round; the same truth again returns the round unchanged. */
  async postTruth(id: string, truth: number | number[]): Promise<TournamentRound> {
    const round = await this.get(id);
    const truthSha256 = sha256(truth);
    if (round.predictionRoundId === null) throw new TournamentConflictError(id, `round ${id} is still open (its models are being called): post its truth once it is predicted`);
    if (round.status === 'void' && round.truthSha256 === null) throw new TournamentConflictError(id, `round ${id} is void (voided, or no truth within scoring.maxWaitSeconds): it takes no truth`);
    if (round.truthSha256 === null && !(await this.rounds.postTruth(id, truth, truthSha256))) return this.postTruth(id, truth); // a concurrent POST stored one first
    const stored = round.truthSha256 ?? truthSha256;
    if (stored !== truthSha256) throw new TournamentConflictError(id, `round ${id} already has another truth (posted ${round.truthPostedAt?.toISOString()}); a truth is posted once`);
    if (round.status === 'scored' || round.status === 'void') return round;
    return this.scored(id);
  }

  async get(id: string): Promise<TournamentRound> {
    const round = await this.rounds.byId(this.competition.id, id);
    if (!round) throw new TournamentRoundNotFoundError(id);
    return round;
  }

  async recent(limit: number, before?: Date): Promise<TournamentRound[]> {
    return this.rounds.recent(this.competition.id, { limit, before });
  }

  /** The round's inputs as posted, and each model's prediction with its score. */
  async details(round: TournamentRound): Promise<{ inputs: unknown; predictions: TournamentPrediction[] }> {
    const [inputs, predictions] = await Promise.all([this.rounds.inputsOf(round.id), round.predictionRoundId ? this.rounds.predictionsOf(round.predictionRoundId) : []]);
    return { inputs, predictions };
  }

  /** How long a round may stay open: its models' call deadline, twice, and a margin for the writes. */
  private staleOpenMs(): number {
    return 2 * this.competition.model.callTimeoutMs + 60_000;
  }

  private sameInputs(existing: TournamentRound, inputsSha256: string): TournamentRound {
    if (existing.inputsSha256 !== inputsSha256) {
      throw new TournamentConflictError(existing.id, `round id ${existing.clientRoundId} was opened with other inputs (round ${existing.id}); a round id opens one round`);
    }
    return existing;
  }

  /** Runs the prediction round of this tournament round, at an origin no other round has. */
  private async predict(roundService: PredictionRoundService, id: string, inputs: unknown): Promise<void> {
    const config = await this.tournamentConfig();
    while (this.clock.nowMs() <= this.lastOriginMs) await this.clock.sleep(1);
    const { predict } = this.competition.model;
    const args = methodArguments(predict.method, { inputs, round_id: id }, predict.args);
    const report = await roundService.run(config, this.clock.now(), {}, args);
    if (report === null || report.buffered) {
      throw new TournamentUnavailableError(`round ${id}: its predictions could not be stored (database unreachable, or the slot was taken); post it again`);
    }
    this.lastOriginMs = report.performedAt.getTime();
    await this.rounds.predicted(id, report.roundId, report.performedAt.getTime());
    this.logger.log(`tournament round ${id}: ${report.counts.successCount} of ${report.counts.modelCount} model(s) answered`);
  }

  /** One round opens at a time in this process (distinct origins, one model call burst at a time). */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.opening.then(work, work);
    this.opening = turn.catch(() => undefined);
    return turn;
  }

  /** The tournament's one parameter set, as synced to `prediction_configs`. */
  private async tournamentConfig(): Promise<PredictionConfig> {
    await this.sync.synced();
    const [wanted] = this.competition.predictions;
    const config = (await this.configs.all(this.competition.id)).find((c) => c.asset === wanted.asset && c.horizon === wanted.horizon && c.step === wanted.step);
    if (!config) throw new TournamentUnavailableError(`the tournament's parameter set ${wanted.asset} is not in prediction_configs yet`);
    return config;
  }

  /**
   * Runs scoring cycles until the round is scored (its truth is due one second after its origin),
   * within SCORE_WAIT_MS; an instance without the score role leaves it to the one that has it.
   */
  private async scored(id: string): Promise<TournamentRound> {
    const cycles = this.optional(ScoreCycleService);
    if (!cycles) return this.get(id);
    const deadline = Date.now() + SCORE_WAIT_MS;
    for (;;) {
      const round = await this.get(id);
      if (round.status !== 'predicted' || Date.now() > deadline) return round;
      const dueInMs = (round.performedAtMs ?? 0) + this.competition.predictions[0].horizon * 1000 - this.clock.nowMs();
      if (dueInMs > 0) await this.clock.sleep(dueInMs);
      await cycles.runCycle(); // null when another cycle holds the lock: that one may score it
      if ((await this.get(id)).status === 'predicted') await new Promise((resolve) => setTimeout(resolve, SCORE_RETRY_MS));
    }
  }

  private optional<T>(type: new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return undefined;
    }
  }
}

/** SHA-256 of a value's JSON text: what "the same inputs" and "the same truth" mean. */
function sha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** JSON with object keys sorted, so the same content posted with another key order is the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition, definedPrediction } from '../../config/competition/competition.types';
import { configParamKey, PredictionConfig } from '../../competition/prediction-config';
import { isDatabaseUnavailable } from '../../database/database-unavailable';
import { HealthRegistry } from '../../health/health.registry';
import { PredictionRoundMetrics } from '../../metrics/prediction-round.metrics';
import { predictArguments } from '../calls/predict-arguments';
import { CallableModel, MODEL_CALLER, ModelCallArguments, ModelCallResult, ModelCaller } from '../predict.ports';
import { ModelRegistryRepository } from '../registry/model-registry.repository';
import { ModelRoster } from '../registry/model-roster';
import { checkPredictionOutput, checkPredictionText, predictionOutputRules, PredictionOutputRules } from './prediction-output';
import { countStatuses, PredictionRecord, PredictionRoundRecord, RoundCounts } from './prediction-round';
import { PredictionInsertStream } from './prediction-insert-stream';
import { PredictionRoundRepository } from './prediction-round.repository';
import { OutageBufferCounters, PendingRound, RoundOutageBuffer } from './round-outage-buffer';

/** Extra time past the per-call deadline before the round stops waiting for the model caller at all. */
const CALLER_GRACE_MS = 5_000;
const MAX_REASON_CHARS = 500;
/** Waits between attempts to write a round while the database is unreachable (doubling, capped). */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 1_000;
/** How often buffered rounds are offered to the database again. */
const BUFFER_RETRY_MS = 1_000;
/** The outage buffer's bound when none is injected (OUTAGE_BUFFER_PREDICTIONS' default). */
const DEFAULT_BUFFER_PREDICTIONS = 50_000;

type StoreOutcome = 'stored' | 'taken' | 'unreachable';

/** Reason stored for a running model not asked because its history tick has not succeeded yet. */
export const NO_HISTORY_YET = 'no history yet';

/** Which running models a round may ask. */
export interface RoundModelSelection {
  /** False for a model that has not received its history tick: it is ABSENT (`no history yet`), not called. Default: every model may be asked. */
  hasHistory?: (model: CallableModel) => boolean;
}

export interface PredictionRoundReport {
  roundId: string;
  configId: string;
  scheduledAt: Date;
  performedAt: Date;
  counts: RoundCounts;
  durationMs: number;
  /** Models whose payload PostgreSQL refused (stored as FAILED). */
  rejectedPayloads: string[];
  /** True when the database could not be reached in time: the round waits in the outage buffer. */
  buffered: boolean;
}

/**
 * Runs one predict round of one config: asks every running model for its prediction
 * concurrently, checks each answer, and stores exactly one prediction per known model.
 *
 * The round's models are fixed when it starts: the models the caller is running plus those the
 * registry holds as RUNNING but the caller cannot reach (e.g. still connecting), which are
 * ABSENT, and the running models without their history tick (`selection.hasHistory`), which are
 * ABSENT with `no history yet`. A model that joins mid-round waits for the next round; one that
 * leaves mid-round keeps whatever answer the caller returns for it, or is ABSENT. A model an
 * operator disabled (ModelRoster, read once per round) is not in the round at all: no call, no
 * prediction row.
 *
 * Database outages lose no round whose models were called. The round is claimed first; when the
 * database cannot be reached then, the models are called anyway (their answers are as of the
 * due time, which waiting would spoil), and claim + predictions + counts are written as one
 * idempotent unit, retried with a short backoff until the round's deadline (its call deadline
 * plus grace, never past the next slot). A round still unwritten then goes to the outage buffer
 * (bounded, see RoundOutageBuffer) and is written with the same ids when the database returns;
 * if the slot was taken meanwhile (another instance), it is dropped: a slot runs once.
 *
 * @example
 *   const report = await rounds.run(btcHourly, scheduledAt); // null when that slot already ran (or an outage left no room to keep it)
 */
@Injectable()
export class PredictionRoundService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PredictionRoundService.name);
  private readonly outageBuffer: RoundOutageBuffer;
  private readonly roster: ModelRoster;
  private cancelBufferRetry?: () => void;
  private writingBuffer = false;

  constructor(
    @Inject(MODEL_CALLER) private readonly modelCaller: ModelCaller,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly rounds: PredictionRoundRepository,
    private readonly registry: ModelRegistryRepository,
    private readonly clock: Clock,
    @Optional() outageBuffer?: RoundOutageBuffer,
    @Optional() private readonly health?: HealthRegistry,
    @Optional() roster?: ModelRoster,
    @Optional() private readonly roundMetrics?: PredictionRoundMetrics,
  ) {
    this.outageBuffer = outageBuffer ?? new RoundOutageBuffer(DEFAULT_BUFFER_PREDICTIONS);
    this.roster = roster ?? new ModelRoster(modelCaller, competition, registry);
  }

  onModuleInit(): void {
    this.health?.register('predictionBuffer', () => {
      const counters = this.outageBuffer.counters();
      return { status: counters.bufferedRounds > 0 ? 'degraded' : 'up', ...counters };
    });
  }

  onModuleDestroy(): void {
    this.cancelBufferRetry?.();
    const { bufferedRounds, bufferedPredictions } = this.outageBuffer.counters();
    if (bufferedRounds > 0) this.logger.warn(`stopping with ${bufferedRounds} round(s) (${bufferedPredictions} predictions) not yet written: the database never came back`);
  }

  /** The outage buffer's counts (what a metrics module reads). */
  outageCounters(): OutageBufferCounters {
    return this.outageBuffer.counters();
  }

  /**
   * `callArguments`: the round's own predict arguments instead of the config's (a tournament
   * round sends the inputs posted with it); everything else is as for a scheduled round.
   */
  async run(config: PredictionConfig, scheduledAt: Date, selection: RoundModelSelection = {}, callArguments?: ModelCallArguments): Promise<PredictionRoundReport | null> {
    const started = performance.now();
    const model = this.competition.model;
    const steps = definedPrediction(this.competition.predictions, config)?.steps;
    const args = callArguments ?? predictArguments(config, model.predict, steps);
    const performedAt = this.clock.now();
    const round: PredictionRoundRecord = {
      id: randomUUID(),
      competitionId: this.competition.id,
      configId: config.id,
      scheduledAt,
      performedAt,
      resolvableAt: new Date(performedAt.getTime() + config.horizon * 1000),
    };

    const { hasHistory = () => true } = selection;
    const known = (await this.roster.refresh()).runningModelIds;
    const runningModels = this.roster.callable(this.modelCaller.runningModels());
    const running = runningModels.filter(hasHistory).map((m) => m.modelId);
    const withoutHistory = runningModels.filter((m) => !hasHistory(m)).map((m) => m.modelId);
    const claim = await this.attempt(() => this.rounds.claim(round));
    if (claim === false) {
      this.logger.warn(`round ${configParamKey(config)} @ ${scheduledAt.toISOString()} already ran, skipped`);
      this.roundMetrics?.roundEnded(configParamKey(config), 'skipped');
      return null;
    }

    const rules = predictionOutputRules(model, config, steps);
    // Each answer becomes its prediction as it arrives; a claimed round inserts them meanwhile.
    const answered = new Map<string, PredictionRecord>();
    const stream = claim === true ? new PredictionInsertStream((rows) => this.rounds.insertPredictions(round, config, rows)) : null;
    const onResult = (result: ModelCallResult) => {
      const prediction = answerPrediction(result, rules, model.callTimeoutMs);
      answered.set(result.modelId, prediction);
      stream?.add(prediction);
    };
    const results = running.length > 0 ? await this.callWithin(model.predict.method, args, running, model.callTimeoutMs, onResult) : [];
    const predictions = this.predictionsOf(running, withoutHistory, known, results, answered, rules, model.callTimeoutMs);
    const streamed = await stream?.finish(predictions.filter((p) => !answered.has(p.modelId)));
    if (streamed) markRejected(predictions, streamed.rejectedPayloads);
    const pending: PendingRound = { round, config, predictions, durationMs: performance.now() - started, storedModelIds: streamed?.storedModelIds };
    const deadlineMs = Math.min(performedAt.getTime() + model.callTimeoutMs + CALLER_GRACE_MS, scheduledAt.getTime() + config.interval * 1000);
    const stored = await this.storeBefore(pending, claim === true, deadlineMs);
    const { outcome } = stored;
    const rejectedPayloads = [...(streamed?.rejectedPayloads ?? []), ...stored.rejectedPayloads];
    if (outcome === 'taken') {
      this.logger.warn(`round ${configParamKey(config)} @ ${scheduledAt.toISOString()} was run by another instance during the outage; its answers here are dropped`);
      this.roundMetrics?.roundEnded(configParamKey(config), 'skipped');
      return null;
    }
    const counts = countStatuses(predictions);
    const durationMs = performance.now() - started;
    const buffered = outcome === 'unreachable' && this.buffer(pending);
    this.roundMetrics?.roundEnded(configParamKey(config), outcome !== 'unreachable' ? 'stored' : buffered ? 'buffered' : 'lost');
    if (outcome === 'unreachable' && !buffered) return null;
    this.logger.log(
      `round ${configParamKey(config)} @ ${scheduledAt.toISOString()}: ${counts.modelCount} model(s), ` +
        `${counts.successCount} ok, ${counts.failedCount} failed, ${counts.timeoutCount} timeout, ${counts.absentCount} absent, ${Math.round(durationMs)} ms` +
        (buffered ? '; database unreachable, kept in the outage buffer' : ''),
    );
    return { roundId: round.id, configId: config.id, scheduledAt, performedAt, counts, durationMs, rejectedPayloads, buffered };
  }

  /** Runs one database write; 'unreachable' instead of throwing when the database cannot be reached. */
  private async attempt<T>(write: () => Promise<T>): Promise<T | 'unreachable'> {
    try {
      return await write();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      return 'unreachable';
    }
  }

  /** Writes the round, retrying with a short backoff while the database is unreachable, until `deadlineMs`. */
  private async storeBefore(pending: PendingRound, claimed: boolean, deadlineMs: number): Promise<{ outcome: StoreOutcome; rejectedPayloads: string[] }> {
    let waitMs = RETRY_FIRST_MS;
    for (;;) {
      const result = await this.attempt(() => this.store(pending, claimed));
      if (result !== 'unreachable') return result;
      const now = this.clock.nowMs();
      if (now + waitMs > deadlineMs) return { outcome: 'unreachable', rejectedPayloads: [] };
      await this.clock.sleep(waitMs);
      waitMs = Math.min(waitMs * 2, RETRY_MAX_MS);
    }
  }

  /**
   * Claim (unless already claimed), predictions (those not stored while the calls ran), counts:
   * each step idempotent for this round's ids, so the unit can be repeated after a failure at any point.
   */
  private async store(pending: PendingRound, claimed: boolean): Promise<{ outcome: 'stored' | 'taken'; rejectedPayloads: string[] }> {
    const { round, config, predictions, storedModelIds } = pending;
    if (!claimed && !(await this.rounds.claim(round))) return { outcome: 'taken', rejectedPayloads: [] };
    const unstored = storedModelIds && storedModelIds.size > 0 ? predictions.filter((p) => !storedModelIds.has(p.modelId)) : predictions;
    const inserted = await this.rounds.insertPredictions(round, config, unstored);
    markRejected(predictions, inserted.rejectedPayloads);
    await this.rounds.complete(round.id, countStatuses(predictions), pending.durationMs);
    return { outcome: 'stored', rejectedPayloads: inserted.rejectedPayloads };
  }

  private buffer(pending: PendingRound): boolean {
    const label = `round ${configParamKey(pending.config)} @ ${pending.round.scheduledAt.toISOString()}`;
    if (!this.outageBuffer.add(pending)) {
      const { bufferedPredictions, maxPredictions } = this.outageBuffer.counters();
      this.logger.warn(
        `${label}: database unreachable and the outage buffer is full (${bufferedPredictions} of ${maxPredictions} predictions, OUTAGE_BUFFER_PREDICTIONS); ` +
          `its ${pending.predictions.length} prediction(s) are dropped`,
      );
      return false;
    }
    this.scheduleBufferWrite();
    return true;
  }

  private scheduleBufferWrite(): void {
    if (this.cancelBufferRetry) return;
    this.cancelBufferRetry = this.clock.schedule(this.clock.nowMs() + BUFFER_RETRY_MS, () => {
      this.cancelBufferRetry = undefined;
      void this.clock.track(() => this.writeBuffered());
    });
  }

  /**
   * Offers the buffered rounds to the database, oldest first; stops at the first that still
   * cannot be written and tries again later. Returns how many rounds are still held.
   */
  async writeBuffered(): Promise<number> {
    if (this.writingBuffer) return this.outageBuffer.size;
    this.writingBuffer = true;
    try {
      for (const pending of this.outageBuffer.pending()) {
        const label = `round ${configParamKey(pending.config)} @ ${pending.round.scheduledAt.toISOString()}`;
        let result: Awaited<ReturnType<PredictionRoundService['store']>> | 'unreachable';
        try {
          result = await this.attempt(() => this.store(pending, false));
        } catch (error) {
          this.logger.error(`${label}: the database refused the buffered round (${(error as Error).message}); dropped`);
          this.outageBuffer.dropped(pending);
          continue;
        }
        if (result === 'unreachable') break;
        if (result.outcome === 'taken') {
          this.logger.warn(`${label}: another instance ran this slot during the outage; the buffered round is dropped`);
          this.outageBuffer.dropped(pending);
        } else {
          this.outageBuffer.stored(pending);
          this.logger.log(`${label}: written after the outage (${pending.predictions.length} prediction(s))`);
        }
      }
    } finally {
      this.writingBuffer = false;
    }
    if (this.outageBuffer.size > 0) this.scheduleBufferWrite();
    return this.outageBuffer.size;
  }

  /**
   * The model caller enforces each call's deadline; this guard only stops the round from waiting
   * forever if the caller itself never answers (the models without an answer yet then count as
   * TIMEOUT). `onResult` sees each answer once, as it arrives, and none after the call is settled.
   */
  private async callWithin(
    method: string,
    args: Parameters<ModelCaller['call']>[1],
    modelIds: string[],
    timeoutMs: number,
    onResult: (result: ModelCallResult) => void,
  ): Promise<ModelCallResult[]> {
    const arrived = new Map<string, ModelCallResult>();
    const asked = new Set(modelIds);
    let settled = false;
    const seen = (result: ModelCallResult) => {
      if (settled || !asked.has(result.modelId) || arrived.has(result.modelId)) return;
      arrived.set(result.modelId, result);
      onResult(result);
    };
    const orArrived = (missing: (modelId: string) => ModelCallResult) => modelIds.map((modelId) => arrived.get(modelId) ?? missing(modelId));
    let cancel: () => void = () => undefined;
    const guard = new Promise<null>((resolve) => {
      cancel = this.clock.schedule(this.clock.nowMs() + timeoutMs + CALLER_GRACE_MS, () => resolve(null));
    });
    try {
      const results = await Promise.race([this.modelCaller.call(method, args, { modelIds, timeoutMs, onResult: seen }), guard]);
      settled = true;
      if (results === null) {
        this.logger.error(`the model caller did not answer ${method} within ${timeoutMs + CALLER_GRACE_MS} ms; ${modelIds.length - arrived.size} model(s) counted as TIMEOUT`);
        return orArrived((modelId) => ({ modelId, deploymentId: '', status: 'TIMEOUT', result: null, execTimeUs: (timeoutMs + CALLER_GRACE_MS) * 1000, error: 'the model caller did not answer in time' }));
      }
      return results;
    } catch (error) {
      settled = true;
      // A caller-side error is the coordinator's problem, not the models': record it on each row.
      const reason = `coordinator could not call the model: ${(error as Error)?.message ?? String(error)}`;
      this.logger.error(`${method} call failed for the whole round: ${reason}`);
      return orArrived((modelId) => ({ modelId, deploymentId: '', status: 'FAILED', result: null, execTimeUs: 0, error: reason }));
    } finally {
      cancel();
    }
  }

  /** One prediction per round model: `answered` holds those already built from their answer (the same records the stream stored). */
  private predictionsOf(
    running: readonly string[],
    withoutHistory: readonly string[],
    known: readonly string[],
    results: readonly ModelCallResult[],
    answered: ReadonlyMap<string, PredictionRecord>,
    rules: PredictionOutputRules,
    timeoutMs: number,
  ): PredictionRecord[] {
    const byModel = new Map(results.map((r) => [r.modelId, r]));
    const asked = new Set(running);
    const waiting = new Set(withoutHistory);
    const roundModels = [...new Set([...running, ...withoutHistory, ...known])];
    return roundModels.map((modelId): PredictionRecord => {
      const result = byModel.get(modelId);
      if (result) return answered.get(modelId) ?? answerPrediction(result, rules, timeoutMs);
      const base = { id: randomUUID(), modelId, execTimeUs: null, payloadJson: null };
      if (waiting.has(modelId)) return { ...base, status: 'ABSENT', failureReason: NO_HISTORY_YET };
      const failureReason = asked.has(modelId)
        ? 'no answer: the model left the fleet during the round' // stored reason, kept as it was
        : 'not connected to the coordinator when the round started';
      return { ...base, status: 'ABSENT', failureReason };
    });
  }
}

/** A model's prediction from its answer: SUCCESS with the checked payload, or FAILED / TIMEOUT with the reason. */
function answerPrediction(result: ModelCallResult, rules: PredictionOutputRules, timeoutMs: number): PredictionRecord {
  const base = { id: randomUUID(), modelId: result.modelId, payloadJson: null, failureReason: null };
  const execTimeUs = Number.isFinite(result.execTimeUs) ? result.execTimeUs : null;
  switch (result.status) {
    case 'SUCCESS': {
      // A plain JSON answer is stored as its text when that is enough to decide (not decoded).
      const json = result.json;
      const check = (json && checkPredictionText(json, rules)) || checkPredictionOutput(result.result, rules);
      return check.ok
        ? { ...base, status: 'SUCCESS', execTimeUs, payloadJson: check.json }
        : { ...base, status: 'FAILED', execTimeUs, failureReason: `invalid prediction: ${check.reason}` };
    }
    case 'TIMEOUT':
      return { ...base, status: 'TIMEOUT', execTimeUs, failureReason: shorten(result.error ?? `no answer within ${timeoutMs} ms`) };
    default:
      return { ...base, status: 'FAILED', execTimeUs, failureReason: shorten(result.error ?? 'the model call failed') };
  }
}

/** The predictions whose payload PostgreSQL refused are stored FAILED, without it: the records say so too (for the counts). */
function markRejected(predictions: readonly PredictionRecord[], rejectedModelIds: readonly string[]): void {
  if (rejectedModelIds.length === 0) return;
  const rejected = new Set(rejectedModelIds);
  for (const p of predictions) if (rejected.has(p.modelId)) Object.assign(p, { status: 'FAILED', payloadJson: null });
}

function shorten(reason: string): string {
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
}

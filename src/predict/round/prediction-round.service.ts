import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition, definedPrediction } from '../../config/competition/competition.types';
import { configParamKey, PredictionConfig } from '../../competition/prediction-config';
import { predictArguments } from '../calls/predict-arguments';
import { CallableModel, MODEL_CALLER, ModelCallResult, ModelCaller } from '../predict.ports';
import { ModelRegistryRepository } from '../registry/model-registry.repository';
import { checkPredictionOutput, checkPredictionText, predictionOutputRules, PredictionOutputRules } from './prediction-output';
import { countStatuses, PredictionRecord, PredictionRoundRecord, RoundCounts } from './prediction-round';
import { PredictionRoundRepository } from './prediction-round.repository';

/** Extra time past the per-call deadline before the round stops waiting for the model caller at all. */
const CALLER_GRACE_MS = 5_000;
const MAX_REASON_CHARS = 500;

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
}

/**
 * Runs one predict round of one config: asks every running model for its prediction
 * concurrently, checks each answer, and stores exactly one prediction per known model.
 *
 * The round's models are fixed when it starts: the models the caller is running plus those the
 * registry holds as RUNNING but the caller cannot reach (e.g. still connecting), which are
 * ABSENT, and the running models without their history tick (`selection.hasHistory`), which are
 * ABSENT with `no history yet`. A model that joins mid-round waits for the next round; one that
 * leaves mid-round keeps whatever answer the caller returns for it, or is ABSENT.
 *
 * @example
 *   const report = await rounds.run(btcHourly, scheduledAt); // null when that slot already ran
 */
@Injectable()
export class PredictionRoundService {
  private readonly logger = new Logger(PredictionRoundService.name);

  constructor(
    @Inject(MODEL_CALLER) private readonly modelCaller: ModelCaller,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly rounds: PredictionRoundRepository,
    private readonly registry: ModelRegistryRepository,
    private readonly clock: Clock,
  ) {}

  async run(config: PredictionConfig, scheduledAt: Date, selection: RoundModelSelection = {}): Promise<PredictionRoundReport | null> {
    const started = performance.now();
    const model = this.competition.model;
    const steps = definedPrediction(this.competition.predictions, config)?.steps;
    const args = predictArguments(config, model.predict, steps);
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
    const runningModels = this.modelCaller.runningModels();
    const running = runningModels.filter(hasHistory).map((m) => m.modelId);
    const withoutHistory = runningModels.filter((m) => !hasHistory(m)).map((m) => m.modelId);
    const known = await this.registry.runningModelIds(this.competition.id);
    if (!(await this.rounds.claim(round))) {
      this.logger.warn(`round ${configParamKey(config)} @ ${scheduledAt.toISOString()} already ran, skipped`);
      return null;
    }

    const results = running.length > 0 ? await this.callWithin(model.predict.method, args, running, model.callTimeoutMs) : [];
    const rules = predictionOutputRules(model, config, steps);
    const predictions = this.predictionsOf(running, withoutHistory, known, results, rules, model.callTimeoutMs);
    const outcome = await this.rounds.insertPredictions(round, config, predictions);
    for (const modelId of outcome.rejectedPayloads) {
      const p = predictions.find((x) => x.modelId === modelId);
      if (p) Object.assign(p, { status: 'FAILED', payloadJson: null });
    }
    const counts = countStatuses(predictions);
    const durationMs = performance.now() - started;
    await this.rounds.complete(round.id, counts, durationMs);
    this.logger.log(
      `round ${configParamKey(config)} @ ${scheduledAt.toISOString()}: ${counts.modelCount} model(s), ` +
        `${counts.successCount} ok, ${counts.failedCount} failed, ${counts.timeoutCount} timeout, ${counts.absentCount} absent, ${Math.round(durationMs)} ms`,
    );
    return { roundId: round.id, configId: config.id, scheduledAt, performedAt, counts, durationMs, rejectedPayloads: outcome.rejectedPayloads };
  }

  /**
   * The model caller enforces each call's deadline; this guard only stops the round from waiting
   * forever if the caller itself never answers (every model then counts as TIMEOUT).
   */
  private async callWithin(method: string, args: Parameters<ModelCaller['call']>[1], modelIds: string[], timeoutMs: number): Promise<ModelCallResult[]> {
    let cancel: () => void = () => undefined;
    const guard = new Promise<null>((resolve) => {
      cancel = this.clock.schedule(this.clock.nowMs() + timeoutMs + CALLER_GRACE_MS, () => resolve(null));
    });
    try {
      const results = await Promise.race([this.modelCaller.call(method, args, { modelIds, timeoutMs }), guard]);
      if (results === null) {
        this.logger.error(`the model caller did not answer ${method} within ${timeoutMs + CALLER_GRACE_MS} ms; ${modelIds.length} model(s) counted as TIMEOUT`);
        return modelIds.map((modelId) => ({ modelId, deploymentId: '', status: 'TIMEOUT', result: null, execTimeUs: (timeoutMs + CALLER_GRACE_MS) * 1000, error: 'the model caller did not answer in time' }));
      }
      return results;
    } catch (error) {
      // A caller-side error is the coordinator's problem, not the models': record it on each row.
      const reason = `coordinator could not call the model: ${(error as Error)?.message ?? String(error)}`;
      this.logger.error(`${method} call failed for the whole round: ${reason}`);
      return modelIds.map((modelId) => ({ modelId, deploymentId: '', status: 'FAILED', result: null, execTimeUs: 0, error: reason }));
    } finally {
      cancel();
    }
  }

  private predictionsOf(
    running: readonly string[],
    withoutHistory: readonly string[],
    known: readonly string[],
    results: readonly ModelCallResult[],
    rules: PredictionOutputRules,
    timeoutMs: number,
  ): PredictionRecord[] {
    const byModel = new Map(results.map((r) => [r.modelId, r]));
    const asked = new Set(running);
    const waiting = new Set(withoutHistory);
    const roundModels = [...new Set([...running, ...withoutHistory, ...known])];
    return roundModels.map((modelId): PredictionRecord => {
      const base = { id: randomUUID(), modelId, execTimeUs: null, payloadJson: null, failureReason: null };
      const result = byModel.get(modelId);
      if (!result) {
        if (waiting.has(modelId)) return { ...base, status: 'ABSENT', failureReason: NO_HISTORY_YET };
        const failureReason = asked.has(modelId)
          ? 'no answer: the model left the fleet during the round' // stored reason, kept as it was
          : 'not connected to the coordinator when the round started';
        return { ...base, status: 'ABSENT', failureReason };
      }
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
    });
  }
}

function shorten(reason: string): string {
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
}

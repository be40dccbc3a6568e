import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { methodArguments } from '../calls/method-arguments';
import { CallableModel, MARKET_DATA, MarketData, MODEL_CALLER, ModelCallArguments, ModelCaller, TickPayload } from '../predict.ports';
import { ModelRoster } from '../registry/model-roster';
import { TickInstants } from './tick-instants';
import { TickWatermarks } from './tick-watermarks';

/** How long past its instant a round waits for the tick of that instant beyond the call deadline (feed refresh, caller overhead). */
export const TICK_WAIT_GRACE_MS = 5_000;

/** What one tick did, for logs and tests. */
export interface TickReport {
  /** Newest data time (ms) sent, or null when there was no data yet. */
  throughMs: number | null;
  sentHistory: number;
  sentUpdate: number;
  upToDate: number;
  success: number;
  failed: number;
  timeout: number;
}

/**
 * The tick: refresh the market data, then send each running model only the points it has not
 * yet received (per-model watermark advanced on a successful tick). A model that newly joined,
 * was redeployed or never ticked successfully first receives the bounded history window.
 * Models already up to date are not called, nor are models an operator disabled (ModelRoster,
 * read once per tick). Model failures are counted, never fatal.
 *
 * Ticks come before predicts: a round awaits the tick of its own instant (`tickOf`, bounded by
 * that tick's deadline), and only models whose history tick succeeded for their current
 * deployment are asked to predict (`hasHistory`); the others are ABSENT with `no history yet`.
 *
 * @example
 *   await tickLoop.tick(scheduledAt);            // the tick job
 *   await tickLoop.tickOf(roundScheduledAt);     // a round, before it calls the models
 *   tickLoop.hasHistory(model);                  // true once its history tick succeeded
 */
@Injectable()
export class TickLoopService {
  private readonly logger = new Logger(TickLoopService.name);
  private readonly watermarks = new TickWatermarks();
  private readonly instants: TickInstants;

  constructor(
    @Inject(MODEL_CALLER) private readonly modelCaller: ModelCaller,
    @Inject(MARKET_DATA) private readonly market: MarketData,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    @Optional() private readonly roster?: ModelRoster,
  ) {
    this.instants = new TickInstants(competition.tick.interval * 1000);
  }

  /** The tick of instant `scheduledAt` (default: now); rounds of that instant wait for it. */
  async tick(scheduledAt: Date = this.clock.now()): Promise<TickReport> {
    const atMs = scheduledAt.getTime();
    this.instants.started(atMs);
    try {
      return await this.tickOnce();
    } finally {
      this.instants.finished(atMs);
    }
  }

  /**
   * Waits until the tick a round at `at` depends on has finished: the tick of that same instant
   * when ticks fall on it (whichever timer fired first), else one still running. Bounded by that
   * tick's deadline (`at` + call timeout + TICK_WAIT_GRACE_MS). True when nothing was left to wait for.
   */
  async tickOf(at: Date): Promise<boolean> {
    const atMs = at.getTime();
    const awaited = this.instants.awaited(atMs);
    if (!awaited) return true;
    const settled = await this.clock.settledBy(awaited, atMs + this.competition.model.callTimeoutMs + TICK_WAIT_GRACE_MS);
    if (!settled) {
      this.instants.forget(atMs);
      this.logger.warn(`the tick due at ${at.toISOString()} did not finish in time; predicting with the data already sent`);
    }
    return settled;
  }

  /** True once a tick with the history window succeeded for this deployment of the model. */
  hasHistory(model: Pick<CallableModel, 'modelId' | 'deploymentId'>): boolean {
    return this.watermarks.sinceFor(model.modelId, model.deploymentId) !== undefined;
  }

  private async tickOnce(): Promise<TickReport> {
    const report: TickReport = { throughMs: null, sentHistory: 0, sentUpdate: 0, upToDate: 0, success: 0, failed: 0, timeout: 0 };
    try {
      await this.market.refresh();
    } catch (error) {
      // Stale data is still worth sending; the feed logs its own failure details.
      this.logger.warn(`market data refresh failed, ticking with what is held: ${(error as Error)?.message ?? String(error)}`);
    }
    const throughMs = this.market.latestTimestamp();
    await this.roster?.refresh();
    const running = this.roster ? this.roster.callable(this.modelCaller.runningModels()) : this.modelCaller.runningModels();
    this.watermarks.keepOnly(new Set(running.map((m) => m.modelId)));
    if (throughMs === null) {
      this.logger.debug('no market data yet; tick skipped');
      return report;
    }
    report.throughMs = throughMs;

    const due = running.filter((m) => {
      const since = this.watermarks.sinceFor(m.modelId, m.deploymentId);
      if (since !== undefined && since >= throughMs) report.upToDate++;
      return since === undefined || since < throughMs;
    });
    if (due.length === 0) return report;

    const plan = this.planArguments(throughMs, report);
    const { method } = this.competition.model.tick;
    const results = await this.modelCaller.call(method, (model) => plan.argumentsFor(model), {
      modelIds: due.map((m) => m.modelId),
      timeoutMs: this.competition.model.callTimeoutMs,
    });
    for (const result of results) {
      if (result.status === 'SUCCESS') {
        report.success++;
        const sent = plan.sentThrough.get(result.modelId);
        if (sent && sent.deploymentId === result.deploymentId) this.watermarks.record(result.modelId, result.deploymentId, sent.throughMs);
      } else if (result.status === 'TIMEOUT') report.timeout++;
      else {
        report.failed++;
        this.logger.debug(`tick of model ${result.modelId} failed: ${result.error ?? 'unknown error'}`);
      }
    }
    if (report.failed + report.timeout > 0) {
      this.logger.warn(`tick through ${new Date(throughMs).toISOString()}: ${report.success} ok, ${report.failed} failed, ${report.timeout} timeout`);
    }
    return report;
  }

  /**
   * Arguments per model, built once per distinct watermark: most models share one, so the
   * payload (and the model runner's encoding of that same object) is shared too. Remembers, per model,
   * the newest point it was sent: that becomes its watermark if the tick succeeds.
   */
  private planArguments(throughMs: number, report: TickReport) {
    const cache = new Map<number | 'history', { args: ModelCallArguments; throughMs: number }>();
    const sentThrough = new Map<string, { deploymentId: string; throughMs: number }>();
    const definitions = this.competition.model.tick;
    const argumentsFor = (model: CallableModel): ModelCallArguments => {
      const since = this.watermarks.sinceFor(model.modelId, model.deploymentId);
      if (since === undefined) report.sentHistory++;
      else report.sentUpdate++;
      const key = since ?? 'history';
      let entry = cache.get(key);
      if (!entry) {
        const data: TickPayload = this.market.tickPayload(since === undefined ? {} : { sinceMs: since });
        entry = { args: methodArguments(definitions.method, { data }, definitions.args), throughMs: newestPointMs(data) ?? since ?? throughMs };
        cache.set(key, entry);
      }
      sentThrough.set(model.modelId, { deploymentId: model.deploymentId, throughMs: entry.throughMs });
      return entry.args;
    };
    return { argumentsFor, sentThrough };
  }
}

/** Newest point of a tick payload, in ms (payload times are in seconds). */
function newestPointMs(payload: TickPayload): number | null {
  let newest: number | null = null;
  for (const points of Object.values(payload)) {
    const last = points[points.length - 1];
    if (last && (newest === null || last[0] * 1000 > newest)) newest = last[0] * 1000;
  }
  return newest;
}

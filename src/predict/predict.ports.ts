import type { Observable } from 'rxjs';
import type { CallArguments, ModelCallOptions, ModelCallResult, ModelIdentity, TypedValue } from '../model-runner/model-runner.service';

/**
 * What the predict loop needs from the participant models (the ModelCaller) and the market data,
 * as small interfaces the real services (ModelRunnerService, DataSourceService) satisfy
 * structurally; the values crossing the port are the model runner's own types. The app binds them:
 *
 * @example
 *   PredictModule.register({ imports: [ModelOrchestrationModule.forPlan(plan), DataSourceModule],
 *     modelCaller: ModelRunnerService, marketData: DataSourceService })
 */

/** The answer of one model to one call, as the model runner returns it (one type on both sides of the port). */
export type { CallStatus, ModelCallOptions, ModelCallResult } from '../model-runner/model-runner.service';

/** A model the caller can reach, as the orchestrator describes it (its address stays with the runner). */
export type CallableModel = Omit<ModelIdentity, 'ip' | 'port'>;

export type ModelMembershipEvent = { type: 'joined' | 'updated' | 'left'; model: CallableModel; reason?: string };

/** A value with the wire type the coordinator chose for it: the model runner's TypedValue. */
export type TypedArgument = TypedValue;

/** One call's positional and keyword arguments: the model runner's CallArguments. */
export type ModelCallArguments = CallArguments;

/** Per-model arguments: called once per model at call time. */
export type ModelCallArgumentsFor = (model: CallableModel) => ModelCallArguments;

export interface ModelCaller {
  readonly membership$: Observable<ModelMembershipEvent>;
  /** Models ready to be called now. */
  runningModels(): CallableModel[];
  /**
   * Calls `method` concurrently on every running model (or `modelIds`), each with a deadline;
   * `onResult`, when the caller supports it, sees each result as it arrives.
   */
  call(method: string, args: ModelCallArguments | ModelCallArgumentsFor, opts?: ModelCallOptions): Promise<ModelCallResult[]>;
  /**
   * Tells the orchestrator the coordinator stopped a model itself (`LOW_PERFORMANCE`) and drops
   * its runner. Optional: a caller without an orchestrator (tests) simply stops calling it.
   */
  reportLowPerformance?(modelId: string, reason: string): void;
}

/** `{ BTC: [[ts_seconds, price], ...], ... }`: the reference tick payload. */
export type TickPayload = Record<string, Array<[number, number]>>;

export interface MarketData {
  /** Points after `sinceMs`; without it, the bounded history window sent to newly joined models. */
  tickPayload(opts: { sinceMs?: number }): TickPayload;
  /** Time (ms) of the newest point held, or null before the first one. */
  latestTimestamp(): number | null;
  /** Pulls new points from the feed. */
  refresh(): unknown;
}

/** Injection token of the ModelCaller (bind with `useExisting: ModelRunnerService`). */
export const MODEL_CALLER = Symbol('MODEL_CALLER');
/** Injection token of the MarketData (bind with `useExisting: DataSourceService`). */
export const MARKET_DATA = Symbol('MARKET_DATA');

import { Subject } from 'rxjs';
import type {
  ModelMembershipEvent,
  CallableModel,
  MarketData,
  ModelCallArguments,
  ModelCallArgumentsFor,
  ModelCallOptions,
  ModelCallResult,
  ModelCaller,
  TickPayload,
} from '../../../src/predict/predict.ports';

/** How a fake model answers one call: a result, or a status with an error. */
export type FakeAnswer = { status: 'SUCCESS'; result: unknown } | { status: 'FAILED' | 'TIMEOUT'; error?: string };
export type FakeBehaviour = (method: string, args: ModelCallArguments) => FakeAnswer | Promise<FakeAnswer>;

export function fleetModel(modelId: string, deployment = 1): CallableModel {
  return {
    modelId,
    deploymentId: `${modelId}_2026010${deployment}_000000_000`,
    modelName: `${modelId}-name`,
    cruncherId: `cruncher-${modelId}`,
    cruncherName: `Cruncher ${modelId}`,
    infos: { model_name: `${modelId}-name`, cruncher_id: `cruncher-${modelId}` },
  };
}

/**
 * An in-test ModelCaller: models answer through behaviours, membership is driven by the test,
 * and every call is recorded (method, model ids and the arguments each model got).
 */
export class FakeFleet implements ModelCaller {
  readonly membership$ = new Subject<ModelMembershipEvent>();
  private readonly running = new Map<string, { model: CallableModel; behaviour: FakeBehaviour }>();
  readonly calls: Array<{ method: string; modelIds: string[]; args: Map<string, ModelCallArguments>; timeoutMs?: number }> = [];
  /** Runs when a call arrives, before its targets are resolved (models may leave here). */
  beforeCall?: () => void | Promise<void>;
  /** Runs while a call is in flight, after its targets are resolved (to join/leave mid-round). */
  duringCall?: () => void | Promise<void>;

  join(model: CallableModel, behaviour: FakeBehaviour, opts: { silent?: boolean } = {}): void {
    const type = this.running.has(model.modelId) ? 'updated' : 'joined';
    this.running.set(model.modelId, { model, behaviour });
    if (!opts.silent) this.membership$.next({ type, model });
  }

  leave(modelId: string, reason = 'stopped'): void {
    const entry = this.running.get(modelId);
    if (!entry) return;
    this.running.delete(modelId);
    this.membership$.next({ type: 'left', model: entry.model, reason });
  }

  runningModels(): CallableModel[] {
    return [...this.running.values()].map((e) => e.model);
  }

  async call(method: string, args: ModelCallArguments | ModelCallArgumentsFor, opts: ModelCallOptions = {}): Promise<ModelCallResult[]> {
    await this.beforeCall?.();
    // Like the real service: models are resolved when the call starts; a left model still answers.
    const targets = (opts.modelIds ?? [...this.running.keys()]).map((id) => this.running.get(id)).filter((e) => e !== undefined);
    const record = { method, modelIds: targets.map((t) => t.model.modelId), args: new Map<string, ModelCallArguments>(), timeoutMs: opts.timeoutMs };
    this.calls.push(record);
    await this.duringCall?.();
    return Promise.all(
      targets.map(async ({ model, behaviour }) => {
        const modelArgs = typeof args === 'function' ? args(model) : args;
        record.args.set(model.modelId, modelArgs);
        const answer = await behaviour(method, modelArgs);
        const base = { modelId: model.modelId, deploymentId: model.deploymentId, execTimeUs: 1234 };
        const result: ModelCallResult =
          answer.status === 'SUCCESS' ? { ...base, status: 'SUCCESS' as const, result: answer.result } : { ...base, status: answer.status, result: null, error: answer.error };
        opts.onResult?.(result); // as the real service: each result as it arrives
        return result;
      }),
    );
  }
}

/** A model answering `predict` with `horizon/step` normal densities and `tick` with null. */
export function densityModel(): FakeBehaviour {
  return (method, args) => {
    if (method !== 'predict') return { status: 'SUCCESS', result: null };
    const horizon = Number(args.positional[1].value);
    const step = Number(args.positional[2].value);
    return {
      status: 'SUCCESS',
      result: Array.from({ length: horizon / step }, () => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.01 } })),
    };
  };
}

/** In-test MarketData over a list of points per subject (times in ms). */
export class FakeMarket implements MarketData {
  points: Record<string, Array<[number, number]>> = {};
  refreshes = 0;
  historyCalls = 0;

  add(subject: string, tsMs: number, value: number): void {
    (this.points[subject] ??= []).push([tsMs, value]);
  }

  refresh(): void {
    this.refreshes++;
  }

  latestTimestamp(): number | null {
    const all = Object.values(this.points).flat().map((p) => p[0]);
    return all.length ? Math.max(...all) : null;
  }

  tickPayload(opts: { sinceMs?: number }): TickPayload {
    if (opts.sinceMs === undefined) this.historyCalls++;
    const out: TickPayload = {};
    for (const [subject, points] of Object.entries(this.points)) {
      out[subject] = points.filter(([ts]) => opts.sinceMs === undefined || ts > opts.sinceMs).map(([ts, v]) => [ts / 1000, v]);
    }
    return out;
  }
}

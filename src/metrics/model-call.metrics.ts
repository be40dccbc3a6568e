import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** The statuses a model call ends with (CallStatus of the model runner). */
type ModelCallStatus = 'SUCCESS' | 'FAILED' | 'TIMEOUT';

/** Records one finished call of a method: its status and the model's execution time. */
export type ModelCallRecorder = (status: ModelCallStatus, execTimeUs: number) => void;

/** Latency buckets (seconds): from a fast tick (5 ms) to a predict near the usual timeouts. */
const CALL_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * `coordinator_model_calls_total{method,status}` and `coordinator_model_call_duration_seconds{method}`,
 * recorded by the model runner for every call it makes. A fan-out call asks `recorderFor(method)`
 * once; each model's answer is then one `inc()` and one `observe()` on children resolved up front,
 * so a tick to thousands of models costs no label hashing per model beyond prom-client's own.
 * The families register on first use: an instance that calls no model (no predict role) has none.
 *
 * @example
 *   const record = callMetrics.recorderFor('predict');
 *   record('SUCCESS', 1_250); // one call, 1.25 ms
 */
@Injectable()
export class ModelCallMetrics {
  private families?: { calls: Counter<'method' | 'status'>; duration: Histogram<'method'> };
  private readonly recorders = new Map<string, ModelCallRecorder>();

  constructor(private readonly registry: Registry) {}

  recorderFor(method: string): ModelCallRecorder {
    let recorder = this.recorders.get(method);
    if (!recorder) {
      recorder = this.newRecorder(method);
      this.recorders.set(method, recorder);
    }
    return recorder;
  }

  private newRecorder(method: string): ModelCallRecorder {
    this.families ??= {
      calls: new Counter({ name: 'coordinator_model_calls_total', help: 'Model calls by method and status.', labelNames: ['method', 'status'], registers: [this.registry] }),
      duration: new Histogram({
        name: 'coordinator_model_call_duration_seconds',
        help: 'Execution time of model calls, as the model runner measured it, by method.',
        labelNames: ['method'],
        buckets: CALL_SECONDS_BUCKETS,
        registers: [this.registry],
      }),
    };
    const { calls, duration } = this.families;
    const byStatus = { SUCCESS: calls.labels(method, 'SUCCESS'), FAILED: calls.labels(method, 'FAILED'), TIMEOUT: calls.labels(method, 'TIMEOUT') };
    const latency = duration.labels(method);
    return (status, execTimeUs) => {
      byStatus[status].inc();
      if (Number.isFinite(execTimeUs)) latency.observe(execTimeUs / 1e6);
    };
  }
}

import type { GroundTruthAnswer, GroundTruthQuery, GroundTruthSource } from '../../../src/score/ground-truth.source';

/**
 * A known price path per asset, used as the tests' ground truth: `price(asset, t)` is a smooth
 * deterministic function, and targets are computed from it like the data source does
 * (log-return or difference between step boundaries). Data is "known" up to `knownUntil()`;
 * later boundaries are a retryable wait, and `gaps` are non-retryable holes.
 */
export class PriceTable implements GroundTruthSource {
  readonly gaps: Array<{ fromMs: number; toMs: number }> = [];
  calls = 0;

  constructor(private readonly knownUntil: () => number) {}

  price(asset: string, tMs: number): number {
    const base = asset === 'BTC' ? 60_000 : asset === 'ETH' ? 3_000 : 100;
    const t = tMs / 1000;
    const phase = asset.length + asset.charCodeAt(0) / 10;
    return base * Math.exp(0.02 * Math.sin(t / 7_000 + phase) + 0.004 * Math.sin(t / 530 + 2 * phase) + 0.001 * Math.cos(t / 97));
  }

  /** What the ground truth must be: the test's own computation, not the code under test. */
  expectedValues(q: Omit<GroundTruthQuery, 'target'>, target: GroundTruthQuery['target'] = 'log-return'): number[] {
    const steps = q.horizon / q.step;
    const values: number[] = [];
    for (let k = 0; k < steps; k++) {
      const a = this.price(q.subject, q.performedAtMs + k * q.step * 1000);
      const b = this.price(q.subject, q.performedAtMs + (k + 1) * q.step * 1000);
      values.push(target === 'log-return' ? Math.log(b) - Math.log(a) : b - a);
    }
    return values;
  }

  async groundTruth(q: GroundTruthQuery): Promise<GroundTruthAnswer> {
    this.calls++;
    const endMs = q.performedAtMs + q.horizon * 1000;
    if (this.gaps.some((g) => g.fromMs <= endMs && g.toMs >= q.performedAtMs)) {
      return { ok: false, reason: `${q.subject}: gap in the feed`, retryable: false };
    }
    if (endMs > this.knownUntil()) return { ok: false, reason: `${q.subject}: waiting for data up to ${new Date(endMs).toISOString()}`, retryable: true };
    return { ok: true, values: this.expectedValues(q, q.target) };
  }
}

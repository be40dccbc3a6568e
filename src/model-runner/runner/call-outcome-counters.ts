import type { FailureCode } from '../protocol/failure-report';

/**
 * Per-model bookkeeping of consecutive failures and timeouts (spec section 4), counted per
 * method, and the cool-down that keeps a model that keeps timing out from slowing every round.
 *
 * Per method: a success resets only the counters of the method that succeeded, so a model whose
 * `predict` fails on every call while its `tick` succeeds still reaches MULTIPLE_FAILED (and one
 * whose `predict` always hangs, MULTIPLE_TIMEOUT). The model is given up once any one method
 * exceeds its limit. (The Python model-runner-client keeps one pair of counters per model, which
 * any success resets: such a model is never reported there.)
 *
 * Cool-down: once a method reaches `cooldownAfterTimeouts` consecutive timeouts, its next
 * `min(2^(timeouts - cooldownAfterTimeouts), maxCooldownSkips)` calls are skipped (1, 2, 4, 8 …
 * calls); other methods are still sent. A skipped call is reported as TIMEOUT but does not move
 * the counters, so a hung method still reaches MULTIPLE_TIMEOUT after `maxConsecutiveTimeouts`
 * real attempts.
 *
 * @example
 *   const counters = new CallOutcomeCounters({ maxConsecutiveFailures: 2, maxConsecutiveTimeouts: 20 });
 *   counters.recordFailure('predict'); // { healthCheck: false, giveUp: null }
 *   counters.recordSuccess('tick');    // predict still has 1 failure
 *   counters.recordFailure('predict'); // giveUp: null (2, at the limit)
 *   counters.recordFailure('predict'); // { giveUp: { failureCode: 'MULTIPLE_FAILED', … } }
 */
export interface CallOutcomeLimits {
  maxConsecutiveFailures: number;
  maxConsecutiveTimeouts: number;
  cooldownAfterTimeouts?: number;
  maxCooldownSkips?: number;
}

export interface OutcomeVerdict {
  /** Time to ask grpc.health.v1 whether the model is still serving. */
  healthCheck: boolean;
  /** Non-null when the model must be reported and dropped. */
  giveUp: { failureCode: FailureCode; reason: string } | null;
}

const CONTINUE: OutcomeVerdict = { healthCheck: false, giveUp: null };

/** The consecutive outcomes of one method of one model. */
interface MethodOutcomes {
  failures: number;
  timeouts: number;
  skipsLeft: number;
}

export class CallOutcomeCounters {
  /** Keyed by method name; a competition calls a handful of methods (tick, predict). */
  private readonly methods = new Map<string, MethodOutcomes>();
  /** Every this many consecutive timeouts of a method, a health check runs: max(1, floor(0.2 * max)). */
  readonly healthCheckEvery: number;

  constructor(private readonly limits: CallOutcomeLimits) {
    this.healthCheckEvery = Math.max(1, Math.floor(0.2 * limits.maxConsecutiveTimeouts));
  }

  recordSuccess(method: string): void {
    const outcomes = this.methods.get(method);
    if (!outcomes) return;
    outcomes.failures = 0;
    outcomes.timeouts = 0;
    outcomes.skipsLeft = 0;
  }

  recordFailure(method: string): OutcomeVerdict {
    const outcomes = this.outcomesOf(method);
    outcomes.failures += 1;
    if (outcomes.failures > this.limits.maxConsecutiveFailures) {
      return {
        healthCheck: false,
        giveUp: {
          failureCode: 'MULTIPLE_FAILED',
          reason: `${outcomes.failures} consecutive failed ${method} calls (limit ${this.limits.maxConsecutiveFailures})`,
        },
      };
    }
    return CONTINUE;
  }

  recordTimeout(method: string): OutcomeVerdict {
    const outcomes = this.outcomesOf(method);
    outcomes.timeouts += 1;
    if (outcomes.timeouts > this.limits.maxConsecutiveTimeouts) {
      return {
        healthCheck: false,
        giveUp: {
          failureCode: 'MULTIPLE_TIMEOUT',
          reason: `${outcomes.timeouts} consecutive ${method} timeouts (limit ${this.limits.maxConsecutiveTimeouts})`,
        },
      };
    }
    const after = this.limits.cooldownAfterTimeouts ?? 2;
    if (outcomes.timeouts >= after) {
      outcomes.skipsLeft = Math.min(2 ** (outcomes.timeouts - after), this.limits.maxCooldownSkips ?? 32);
    }
    return { healthCheck: outcomes.timeouts % this.healthCheckEvery === 0, giveUp: null };
  }

  /** True (and one skip used) when the next call of `method` must be skipped for cool-down. */
  takeCooldownSkip(method: string): boolean {
    const outcomes = this.methods.get(method);
    if (!outcomes || outcomes.skipsLeft <= 0) return false;
    outcomes.skipsLeft -= 1;
    return true;
  }

  failuresOf(method: string): number {
    return this.methods.get(method)?.failures ?? 0;
  }

  timeoutsOf(method: string): number {
    return this.methods.get(method)?.timeouts ?? 0;
  }

  cooldownSkipsLeft(method: string): number {
    return this.methods.get(method)?.skipsLeft ?? 0;
  }

  /** The longest run of consecutive failures of any method (the one nearest its limit). */
  get consecutiveFailures(): number {
    let most = 0;
    for (const outcomes of this.methods.values()) most = Math.max(most, outcomes.failures);
    return most;
  }

  /** The longest run of consecutive timeouts of any method. */
  get consecutiveTimeouts(): number {
    let most = 0;
    for (const outcomes of this.methods.values()) most = Math.max(most, outcomes.timeouts);
    return most;
  }

  private outcomesOf(method: string): MethodOutcomes {
    let outcomes = this.methods.get(method);
    if (!outcomes) {
      outcomes = { failures: 0, timeouts: 0, skipsLeft: 0 };
      this.methods.set(method, outcomes);
    }
    return outcomes;
  }
}

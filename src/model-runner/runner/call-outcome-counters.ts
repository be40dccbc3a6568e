import type { FailureCode } from '../protocol/failure-report';

/**
 * Per-model bookkeeping of consecutive failures and timeouts (spec section 4), and the
 * cool-down that keeps a model that keeps timing out from slowing every round.
 *
 * Cool-down: once `cooldownAfterTimeouts` consecutive timeouts are reached, the next
 * `min(2^(timeouts - cooldownAfterTimeouts), maxCooldownSkips)` calls are skipped (1, 2, 4, 8 …
 * calls). A skipped call is reported as TIMEOUT but does not move the counters, so a hung
 * model still reaches MULTIPLE_TIMEOUT after `maxConsecutiveTimeouts` real attempts.
 *
 * @example
 *   const counters = new CallOutcomeCounters({ maxConsecutiveFailures: 100, maxConsecutiveTimeouts: 20 });
 *   const verdict = counters.recordTimeout(); // { healthCheck: false, giveUp: null } the first time
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

export class CallOutcomeCounters {
  consecutiveFailures = 0;
  consecutiveTimeouts = 0;
  private skipsLeft = 0;
  /** Every this many consecutive timeouts, a health check runs: max(1, floor(0.2 * max)). */
  readonly healthCheckEvery: number;

  constructor(private readonly limits: CallOutcomeLimits) {
    this.healthCheckEvery = Math.max(1, Math.floor(0.2 * limits.maxConsecutiveTimeouts));
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.consecutiveTimeouts = 0;
    this.skipsLeft = 0;
  }

  recordFailure(): OutcomeVerdict {
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures > this.limits.maxConsecutiveFailures) {
      return {
        healthCheck: false,
        giveUp: {
          failureCode: 'MULTIPLE_FAILED',
          reason: `${this.consecutiveFailures} consecutive failed calls (limit ${this.limits.maxConsecutiveFailures})`,
        },
      };
    }
    return CONTINUE;
  }

  recordTimeout(): OutcomeVerdict {
    this.consecutiveTimeouts += 1;
    if (this.consecutiveTimeouts > this.limits.maxConsecutiveTimeouts) {
      return {
        healthCheck: false,
        giveUp: {
          failureCode: 'MULTIPLE_TIMEOUT',
          reason: `${this.consecutiveTimeouts} consecutive timeouts (limit ${this.limits.maxConsecutiveTimeouts})`,
        },
      };
    }
    const after = this.limits.cooldownAfterTimeouts ?? 2;
    if (this.consecutiveTimeouts >= after) {
      this.skipsLeft = Math.min(2 ** (this.consecutiveTimeouts - after), this.limits.maxCooldownSkips ?? 32);
    }
    return { healthCheck: this.consecutiveTimeouts % this.healthCheckEvery === 0, giveUp: null };
  }

  /** True (and one skip used) when the next call must be skipped for cool-down. */
  takeCooldownSkip(): boolean {
    if (this.skipsLeft <= 0) return false;
    this.skipsLeft -= 1;
    return true;
  }

  get cooldownSkipsLeft(): number {
    return this.skipsLeft;
  }
}

import { Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { createBuiltinRewardFunctions } from './builtin';
import { REWARD_FUNCTION } from './reward-function.decorator';
import type { RewardFunction, RewardInput, RewardResult } from './reward-function';
import { RewardComputationError, RewardOptionsError, RewardRegistrationError, UnknownRewardFunctionError } from './reward.errors';

/** A function may not pay out more than the pool, beyond floating-point noise. */
const POOL_TOLERANCE = 1e-9;

/**
 * Every reward function the node knows: the built-ins (`exponential-top-k`, `tiers`), plus any
 * provider decorated with `@RewardFunction(name)` anywhere in the application (found at module init).
 *
 * @example
 *   registry.validateOptions('tiers', { unusedShares: 'renormalise' }); // at startup, throws RewardOptionsError
 *   const result = registry.compute('exponential-top-k', { standings, pool: 392.79, direction: 'higher', options });
 */
@Injectable()
export class RewardFunctionRegistry implements OnModuleInit {
  private readonly logger = new Logger(RewardFunctionRegistry.name);
  private readonly functions = new Map<string, RewardFunction>();

  constructor(@Optional() private readonly discovery?: DiscoveryService) {
    for (const fn of createBuiltinRewardFunctions()) this.register(fn);
  }

  onModuleInit(): void {
    if (this.discovery === undefined) return;
    for (const wrapper of this.discovery.getProviders()) {
      const metatype: unknown = wrapper.metatype;
      if (typeof metatype !== 'function') continue;
      const name: unknown = Reflect.getMetadata(REWARD_FUNCTION, metatype);
      if (name === undefined) continue;
      if (typeof name !== 'string' || name.length === 0) {
        throw new RewardRegistrationError(String(name), '@RewardFunction needs a non-empty name');
      }
      if (!wrapper.isDependencyTreeStatic()) {
        throw new RewardRegistrationError(name, 'a reward function provider must be a singleton (no request or transient scope)');
      }
      const instance: unknown = wrapper.instance;
      if (this.functions.get(name) === instance) continue; // same provider imported by several modules
      if (!isRewardFunction(instance)) throw new RewardRegistrationError(name, 'provider does not implement RewardFunction (name, compute)');
      if (instance.name !== name) {
        throw new RewardRegistrationError(name, `@RewardFunction name differs from the function's name "${instance.name}"`);
      }
      this.register(instance);
      this.logger.log(`registered reward function "${name}"`);
    }
  }

  /** Adds a function; a name can be registered once. */
  register(fn: RewardFunction): void {
    if (!isRewardFunction(fn)) throw new RewardRegistrationError(String((fn as { name?: unknown })?.name), 'not a RewardFunction');
    if (this.functions.has(fn.name)) throw new RewardRegistrationError(fn.name, 'a reward function with this name is already registered');
    this.functions.set(fn.name, fn);
  }

  has(name: string): boolean {
    return this.functions.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.functions.keys()].sort();
  }

  /** The function registered under `name`; throws UnknownRewardFunctionError listing the known names. */
  get(name: string): RewardFunction {
    const fn = this.functions.get(name);
    if (fn === undefined) throw new UnknownRewardFunctionError(name, this.names());
    return fn;
  }

  /** Startup check of a competition's reward function and options. */
  validateOptions(name: string, options: Record<string, unknown>): void {
    this.get(name).validateOptions?.(options);
  }

  /**
   * Runs a function and checks what it returns: every amount finite and >= 0, the total at most
   * the pool. Throws UnknownRewardFunctionError, RewardOptionsError or RewardComputationError
   * (anything else a function throws is wrapped in the latter).
   */
  compute(name: string, input: RewardInput): RewardResult {
    const fn = this.get(name);
    if (!Number.isFinite(input.pool) || input.pool < 0) throw new RewardComputationError(name, `pool must be a finite number >= 0, got ${input.pool}`);
    let result: RewardResult;
    try {
      result = fn.compute(input);
    } catch (error) {
      if (error instanceof RewardOptionsError || error instanceof RewardComputationError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new RewardComputationError(name, `failed: ${message.split('\n')[0]}`);
    }
    if (typeof result !== 'object' || result === null || !Array.isArray(result.payouts)) throw new RewardComputationError(name, 'returned no payouts list');
    let total = 0;
    for (const payout of result.payouts) {
      if (typeof payout?.amount !== 'number' || !Number.isFinite(payout.amount) || payout.amount < 0) {
        throw new RewardComputationError(name, `payout to model "${String(payout?.modelId)}" is not a finite amount >= 0`);
      }
      total += payout.amount;
    }
    if (total > input.pool * (1 + POOL_TOLERANCE)) throw new RewardComputationError(name, `pays ${total}, more than the pool ${input.pool}`);
    return { payouts: result.payouts, horizons: result.horizons ?? [], warnings: result.warnings ?? [] };
  }
}

function isRewardFunction(value: unknown): value is RewardFunction {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<RewardFunction>;
  return typeof candidate.name === 'string' && candidate.name.length > 0 && typeof candidate.compute === 'function';
}

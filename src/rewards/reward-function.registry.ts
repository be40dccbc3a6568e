import { Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { PluginKind, PluginRegistry } from '../extensions/plugin-registry';
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
  private readonly functions: PluginRegistry<RewardFunction>;

  constructor(@Optional() private readonly discovery?: DiscoveryService) {
    this.functions = new PluginRegistry(REWARD_FUNCTION_KIND, createBuiltinRewardFunctions());
  }

  onModuleInit(): void {
    if (this.discovery !== undefined) this.functions.discover(this.discovery, (fn) => this.logger.log(`registered reward function "${fn.name}"`));
  }

  /** Adds one; a name can be registered once. */
  register(plugin: RewardFunction): void {
    this.functions.register(plugin);
  }

  has(name: string): boolean {
    return this.functions.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return this.functions.names();
  }

  /** The one registered under `name`; throws the unknown-name error listing the known names. */
  get(name: string): RewardFunction {
    return this.functions.get(name);
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

const REWARD_FUNCTION_KIND: PluginKind<RewardFunction> = {
  decorator: '@RewardFunction',
  noun: 'function',
  metadataKey: REWARD_FUNCTION,
  is: isRewardFunction,
  shape: 'RewardFunction (name, compute)',
  registrationError: (name, problem) => new RewardRegistrationError(name, problem),
  unknownError: (name, known) => new UnknownRewardFunctionError(name, known),
};

import { Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { createBuiltinScorers } from './builtin';
import { COMPETITION_SCORER } from './competition-scorer.decorator';
import { Scorer, ScoreInput, ScoreOutcome, scoreFailed } from './scorer';
import { ScorerPayloadError, ScorerRegistrationError, UnknownScorerError } from './scorer.errors';

/**
 * Every scorer the node knows: the built-ins, plus any provider decorated with
 * `@CompetitionScorer(name)` anywhere in the application (found at module init).
 *
 * @example
 *   registry.validateOptions('crps', { input: 'paths' }); // at startup, throws ScorerOptionsError
 *   const outcome = registry.score('crps', { payload, truth, asset: 'BTC', horizon: 3600, step: 60, options });
 *   if (outcome.ok) save(outcome.value); else fail(outcome.reason);
 */
@Injectable()
export class ScorerRegistry implements OnModuleInit {
  private readonly logger = new Logger(ScorerRegistry.name);
  private readonly scorers = new Map<string, Scorer>();

  constructor(@Optional() private readonly discovery?: DiscoveryService) {
    for (const scorer of createBuiltinScorers()) this.register(scorer);
  }

  onModuleInit(): void {
    if (this.discovery === undefined) return;
    for (const wrapper of this.discovery.getProviders()) {
      const metatype: unknown = wrapper.metatype;
      if (typeof metatype !== 'function') continue;
      const name: unknown = Reflect.getMetadata(COMPETITION_SCORER, metatype);
      if (name === undefined) continue;
      if (typeof name !== 'string' || name.length === 0) {
        throw new ScorerRegistrationError(String(name), '@CompetitionScorer needs a non-empty name');
      }
      if (!wrapper.isDependencyTreeStatic()) {
        throw new ScorerRegistrationError(name, 'a scorer provider must be a singleton (no request or transient scope)');
      }
      const instance: unknown = wrapper.instance;
      if (this.scorers.get(name) === instance) continue; // same provider imported by several modules
      if (!isScorer(instance)) throw new ScorerRegistrationError(name, 'provider does not implement Scorer (name, direction, score)');
      if (instance.name !== name) {
        throw new ScorerRegistrationError(name, `@CompetitionScorer name differs from the scorer's name "${instance.name}"`);
      }
      this.register(instance);
      this.logger.log(`registered scorer "${name}" (${instance.direction} is better)`);
    }
  }

  /** Adds a scorer; a name can be registered once. */
  register(scorer: Scorer): void {
    if (!isScorer(scorer)) throw new ScorerRegistrationError(String((scorer as { name?: unknown })?.name), 'not a Scorer');
    if (this.scorers.has(scorer.name)) throw new ScorerRegistrationError(scorer.name, 'a scorer with this name is already registered');
    this.scorers.set(scorer.name, scorer);
  }

  has(name: string): boolean {
    return this.scorers.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.scorers.keys()].sort();
  }

  /** The scorer registered under `name`; throws UnknownScorerError listing the known names. */
  get(name: string): Scorer {
    const scorer = this.scorers.get(name);
    if (scorer === undefined) throw new UnknownScorerError(name, this.names());
    return scorer;
  }

  /** Startup check of a competition's scorer and options; throws UnknownScorerError or ScorerOptionsError. */
  validateOptions(name: string, options: Record<string, unknown>): void {
    this.get(name).validateOptions?.(options);
  }

  /**
   * Startup check that the scorer reads the competition's predictions: multi-resolution ones
   * (configs with `steps`) need a scorer with `multiResolution`, and such a scorer needs them.
   * Throws ScorerPayloadError.
   */
  validatePayloads(name: string, multiResolution: boolean): void {
    const reads = this.get(name).multiResolution === true;
    if (multiResolution && !reads) {
      throw new ScorerPayloadError(name, 'does not score multi-resolution predictions (configs with steps); use a multi-resolution scorer such as synth-crps');
    }
    if (!multiResolution && reads) {
      throw new ScorerPayloadError(name, 'scores multi-resolution predictions only, but no prediction config names steps');
    }
  }

  /**
   * Scores one prediction. Throws only for an unknown scorer name (a configuration error caught
   * at startup by `validateOptions`); anything a scorer throws, a malformed outcome or a
   * non-finite value becomes `{ ok: false, reason }`.
   */
  score(name: string, input: ScoreInput): ScoreOutcome {
    const scorer = this.get(name);
    let outcome: unknown;
    try {
      outcome = scorer.score(input);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return scoreFailed(`scorer "${name}" failed: ${message.split('\n')[0]}`);
    }
    if (typeof outcome !== 'object' || outcome === null) return scoreFailed(`scorer "${name}" returned no outcome`);
    const { ok, value, reason } = outcome as { ok?: unknown; value?: unknown; reason?: unknown };
    if (ok === true) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return scoreFailed(`scorer "${name}" returned a non-finite value`);
      return { ok: true, value };
    }
    if (ok === false) return scoreFailed(typeof reason === 'string' && reason.length > 0 ? reason : 'scoring failed');
    return scoreFailed(`scorer "${name}" returned a malformed outcome`);
  }
}

function isScorer(value: unknown): value is Scorer {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Scorer>;
  return (
    typeof candidate.name === 'string' &&
    candidate.name.length > 0 &&
    (candidate.direction === 'higher' || candidate.direction === 'lower') &&
    typeof candidate.score === 'function'
  );
}

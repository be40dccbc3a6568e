import { Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { PluginKind, PluginRegistry } from '../../extensions/plugin-registry';
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
  private readonly scorers: PluginRegistry<Scorer>;

  constructor(@Optional() private readonly discovery?: DiscoveryService) {
    this.scorers = new PluginRegistry(SCORER_KIND, createBuiltinScorers());
  }

  onModuleInit(): void {
    if (this.discovery !== undefined) this.scorers.discover(this.discovery, (s) => this.logger.log(`registered scorer "${s.name}" (${s.direction} is better)`));
  }

  /** Adds one; a name can be registered once. */
  register(plugin: Scorer): void {
    this.scorers.register(plugin);
  }

  has(name: string): boolean {
    return this.scorers.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return this.scorers.names();
  }

  /** The one registered under `name`; throws the unknown-name error listing the known names. */
  get(name: string): Scorer {
    return this.scorers.get(name);
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

const SCORER_KIND: PluginKind<Scorer> = {
  decorator: '@CompetitionScorer',
  noun: 'scorer',
  metadataKey: COMPETITION_SCORER,
  is: isScorer,
  shape: 'Scorer (name, direction, score)',
  registrationError: (name, problem) => new ScorerRegistrationError(name, problem),
  unknownError: (name, known) => new UnknownScorerError(name, known),
};

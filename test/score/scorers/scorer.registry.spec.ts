import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CompetitionScorer } from '../../../src/score/scorers/competition-scorer.decorator';
import { Scorer, ScoreInput, ScoreOutcome, scoreFailed, scoreValue } from '../../../src/score/scorers/scorer';
import { ScorerOptionsError, ScorerRegistrationError, UnknownScorerError } from '../../../src/score/scorers/scorer.errors';
import { ScorerRegistry } from '../../../src/score/scorers/scorer.registry';
import { ScorersModule } from '../../../src/score/scorers/scorers.module';

@Injectable()
class DirectionHitRate {
  countCalls = 0;
}

@CompetitionScorer('direction-hit')
@Injectable()
class DirectionHitScorer implements Scorer {
  readonly name = 'direction-hit';
  readonly direction = 'higher' as const;
  constructor(private readonly calls: DirectionHitRate) {}
  score({ payload, truth }: ScoreInput): ScoreOutcome {
    this.calls.countCalls++;
    if (typeof payload !== 'number' || !Number.isFinite(payload)) return scoreFailed('payload must be a finite number');
    return scoreValue(Math.sign(payload) === Math.sign(truth[0]) ? 1 : 0);
  }
}

/** A team's own module: it only lists its scorer as a provider. */
@Module({ imports: [ScorersModule], providers: [DirectionHitRate, DirectionHitScorer] })
class CustomCompetitionModule {}

const input = (payload: unknown, truth: number[] = [0.01]): ScoreInput => ({
  payload,
  truth,
  asset: 'BTC',
  horizon: 60,
  step: 60,
  options: {},
});

describe('ScorerRegistry', () => {
  it('finds a custom @CompetitionScorer provider declared in another module, with its dependencies injected', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CustomCompetitionModule] }).compile();
    await moduleRef.init();
    const registry = moduleRef.get(ScorerRegistry);
    expect(registry.has('direction-hit')).toBe(true);
    expect(registry.get('direction-hit').direction).toBe('higher');
    expect(registry.score('direction-hit', input(0.5))).toEqual({ ok: true, value: 1 });
    expect(registry.score('direction-hit', input(-0.5))).toEqual({ ok: true, value: 0 });
    expect(moduleRef.get(DirectionHitRate).countCalls).toBe(2);
    await moduleRef.close();
  });

  it('holds every built-in scorer with its direction', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ScorersModule] }).compile();
    await moduleRef.init();
    const registry = moduleRef.get(ScorerRegistry);
    expect(registry.names()).toEqual(
      ['accuracy', 'crps', 'crps-grid', 'density-log-likelihood', 'density-pdf', 'log-loss', 'mae', 'mse', 'spearman', 'synth-crps'].sort(),
    );
    expect(registry.get('density-pdf').direction).toBe('higher');
    expect(registry.get('crps').direction).toBe('lower');
    await moduleRef.close();
  });

  it('get() of an unknown name throws an error listing the known names', () => {
    const registry = new ScorerRegistry();
    expect(() => registry.get('brier')).toThrow(UnknownScorerError);
    expect(() => registry.get('brier')).toThrow(/unknown scorer "brier"; known scorers: accuracy, crps, crps-grid/);
  });

  it('register() adds a scorer programmatically and refuses a second scorer under the same name', () => {
    const registry = new ScorerRegistry();
    const constant: Scorer = { name: 'constant', direction: 'lower', score: () => scoreValue(1) };
    registry.register(constant);
    expect(registry.score('constant', input(null))).toEqual({ ok: true, value: 1 });
    expect(() => registry.register({ ...constant })).toThrow(ScorerRegistrationError);
    expect(() => registry.register({ name: 'mse', direction: 'lower', score: () => scoreValue(0) })).toThrow(/already registered/);
    expect(() => registry.register({ name: 'bad', direction: 'sideways', score: () => scoreValue(0) } as unknown as Scorer)).toThrow(
      ScorerRegistrationError,
    );
  });

  it('score() turns a throwing scorer, a non-finite value or a malformed outcome into a failed outcome', () => {
    const registry = new ScorerRegistry();
    registry.register({
      name: 'throws',
      direction: 'lower',
      score: () => {
        throw new Error('division by zero\n    at somewhere (file.ts:1:1)');
      },
    });
    registry.register({ name: 'nan', direction: 'lower', score: () => scoreValue(NaN) });
    registry.register({ name: 'infinite', direction: 'lower', score: () => scoreValue(-Infinity) });
    registry.register({ name: 'malformed', direction: 'lower', score: () => ({ ok: 'yes' }) as unknown as ScoreOutcome });
    expect(registry.score('throws', input(1))).toEqual({ ok: false, reason: 'scorer "throws" failed: division by zero' });
    expect(registry.score('nan', input(1))).toEqual({ ok: false, reason: 'scorer "nan" returned a non-finite value' });
    expect(registry.score('infinite', input(1))).toEqual({ ok: false, reason: 'scorer "infinite" returned a non-finite value' });
    expect(registry.score('malformed', input(1))).toEqual({ ok: false, reason: 'scorer "malformed" returned a malformed outcome' });
  });

  it('validateOptions() checks a competition scorer and its options at startup', () => {
    const registry = new ScorerRegistry();
    expect(() => registry.validateOptions('crps', { input: 'paths', maxMembers: 1000 })).not.toThrow();
    expect(() => registry.validateOptions('crps', { input: 'quantiles' })).toThrow(ScorerOptionsError);
    expect(() => registry.validateOptions('nope', {})).toThrow(UnknownScorerError);
  });

  it('rejects a @CompetitionScorer whose name differs from the instance name', async () => {
    @CompetitionScorer('declared-name')
    @Injectable()
    class MismatchedScorer implements Scorer {
      readonly name = 'other-name';
      readonly direction = 'lower' as const;
      score(): ScoreOutcome {
        return scoreValue(0);
      }
    }
    const moduleRef = await Test.createTestingModule({ imports: [ScorersModule], providers: [MismatchedScorer] }).compile();
    await expect(moduleRef.init()).rejects.toThrow(/declared-name.*differs from the scorer's name "other-name"/);
  });
});

import { SetMetadata } from '@nestjs/common';

/** Metadata key under which `@CompetitionScorer(name)` stores the scorer name on the class. */
export const COMPETITION_SCORER = 'coordinator:competition-scorer';

/**
 * Marks an injectable provider as a scorer; `ScorerRegistry` discovers it at startup, so a team adds
 * a custom scorer by listing one provider class in its own module (no core edit).
 *
 * @example
 *   @CompetitionScorer('hit-rate')
 *   @Injectable()
 *   export class HitRateScorer implements Scorer { readonly name = 'hit-rate'; ... }
 *
 *   @Module({ imports: [ScorersModule], providers: [HitRateScorer] })
 *   export class MyCompetitionModule {}
 */
export const CompetitionScorer = (name: string): ClassDecorator => SetMetadata(COMPETITION_SCORER, name);

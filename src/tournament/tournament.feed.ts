import { FeedAdapter } from '../data-source/feed-adapter.decorator';
import type { Feed, FeedAdapterProvider, FeedContext } from '../data-source/feed';
import { TOURNAMENT_FEED } from '../config/competition/competition.types';

/**
 * The feed of a tournament: it holds no data, because a tournament's rounds bring their own
 * inputs (POST /tournament/rounds) and their truth (POST /tournament/rounds/{id}/truth). With no
 * data the tick never calls the models, and the data source stays empty and quiet.
 *
 * @example
 *   // competition.yaml: `tournament: {...}` and no `feed:`; the loader names this adapter.
 */
@FeedAdapter(TOURNAMENT_FEED)
export class TournamentFeedAdapter implements FeedAdapterProvider {
  create(_options: Record<string, unknown>, context: FeedContext): Feed {
    return {
      listSubjects: async () => [...context.subjects],
      fetchRange: async () => [],
    };
  }
}

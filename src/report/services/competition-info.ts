import { CompetitionDefinition, paramKey, PenaltyPolicy } from '../../config/competition/competition.types';
import { CompetitionInfoDto } from '../dto/info.dto';
import type { ScoreBetter } from './report-schema';

/** Feed adapters whose records are generated rather than observed: the UI labels them. */
const SYNTHETIC_FEED_ADAPTERS = new Set(['synthetic']);

/**
 * The public description of the running competition. Feed options are left out on purpose:
 * they may carry API keys or private URLs.
 *
 * @example
 *   competitionInfo(demo).feed.synthetic // true
 *   competitionInfo(demo, 'higher').leaderboard.better // 'higher' (direction auto: the scorer's)
 */
export function competitionInfo(c: CompetitionDefinition, scorerBetter?: ScoreBetter): CompetitionInfoDto {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    feed: {
      adapter: c.feed.adapter,
      synthetic: SYNTHETIC_FEED_ADAPTERS.has(c.feed.adapter),
      subjects: [...c.feed.subjects],
      granularity_seconds: c.feed.granularity,
      tick_interval_seconds: c.tick.interval,
    },
    scoring: {
      scorer: c.scoring.scorer,
      target: c.scoring.target,
      penalty: penaltyInfo(c.scoring.penalty),
      interval_seconds: c.scoring.intervalSeconds,
      windows: c.scoring.windows.map((w) => ({ name: w.name, seconds: w.seconds })),
    },
    leaderboard: {
      rank_by: c.leaderboard.rankBy,
      direction: c.leaderboard.direction,
      better: (c.leaderboard.direction === 'auto' ? scorerBetter : c.leaderboard.direction) ?? null,
      tiebreakers: [...c.leaderboard.tiebreakers],
      min_scored_predictions: c.leaderboard.minScoredPredictions,
    },
    predictions: [...c.predictions]
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.order - b.order))
      .map((p) => ({ param: paramKey(p), asset: p.asset, horizon: p.horizon, step: p.step, interval: p.interval, group: p.group, active: p.active })),
    benchmark: benchmarkOf(c),
    prediction_output: c.model.output.kind,
    call_timeout_ms: c.model.callTimeoutMs,
    tournament: c.tournament !== undefined,
  };
}

/** The benchmark model the reward options name (`benchmarkPlayerName` + `benchmarkModelName`), which the page highlights. */
function benchmarkOf(c: CompetitionDefinition): { player_name: string; model_name: string } | null {
  const options = c.rewards?.options ?? {};
  const player = options.benchmarkPlayerName;
  const model = options.benchmarkModelName;
  return typeof player === 'string' && typeof model === 'string' ? { player_name: player, model_name: model } : null;
}

function penaltyInfo(p: PenaltyPolicy): Record<string, unknown> {
  return { ...p };
}

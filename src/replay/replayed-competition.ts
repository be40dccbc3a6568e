import type { CompetitionDefinition } from '../config/competition/competition.types';
import { REPLAY_FEED } from './prices/replay-feed.module';

const DAY_S = 86_400;

/** The range a replay runs over (epoch ms, `fromMs < toMs`). */
export interface ReplayRange {
  fromMs: number;
  toMs: number;
}

/**
 * The competition as a replay runs it: its feed switched to the replay's prices, and every
 * retention stretched over the range and the feed history, so nothing the replay writes is pruned
 * before its outputs are read (retention changes what is kept, never a score or a rank).
 */
export function replayedCompetition(competition: CompetitionDefinition, range: ReplayRange): CompetitionDefinition {
  const spanDays = Math.ceil(((range.toMs - range.fromMs) / 1000 + competition.feed.historySeconds + maxHorizon(competition)) / DAY_S) + 2;
  const keep = (days: number) => Math.max(days, spanDays);
  const r = competition.retention;
  return {
    ...competition,
    feed: { ...competition.feed, adapter: REPLAY_FEED, options: {} },
    retention: { ...r, predictionsDays: keep(r.predictionsDays), snapshotsDays: keep(r.snapshotsDays), leaderboardsDays: keep(r.leaderboardsDays), feedRecordsDays: keep(r.feedRecordsDays) },
  };
}

/** The longest horizon of the competition's prediction configs (seconds). */
export function maxHorizon(competition: CompetitionDefinition): number {
  return Math.max(0, ...competition.predictions.map((p) => p.horizon));
}

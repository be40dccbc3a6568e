import type { HorizonScores, RewardStanding } from '../reward-function';
import { LiveGameFormatError } from './live-game-format.error';

/** Longest id or name accepted from a file (the live game's are well under this). */
const MAX_TEXT = 200;

/**
 * Reads a leaderboard in the live Synth game's JSON shape (an array of entries with `model_id`,
 * `model_name`, `player_id`, `player_name` and `ranks_by_horizon: { "<seconds>": { rank, score:
 * { <column>: number | null } } }`) into reward standings, in file order. Other keys
 * (`rank`, `score`, `ranks_by_param`) are not needed for rewards and are ignored.
 *
 * @example
 *   parseSynthLeaderboard([{ model_id: '1', model_name: 'm', player_id: 'p', player_name: 'a',
 *                            ranks_by_horizon: { '3600': { rank: 1, score: { anchor: 0.7 } } } }])
 *   // [{ modelId: '1', modelName: 'm', playerId: 'p', playerName: 'a', horizons: [{ horizon: 3600, scores: { anchor: 0.7 } }] }]
 */
export function parseSynthLeaderboard(raw: unknown): RewardStanding[] {
  if (!Array.isArray(raw)) throw new LiveGameFormatError('leaderboard', '(root)', 'must be an array of leaderboard entries');
  return raw.map((entry: unknown, i) => parseEntry(entry, `[${i}]`));
}

function parseEntry(entry: unknown, at: string): RewardStanding {
  const record = object(entry, at);
  const text = (key: string): string => {
    const value = record[key];
    if (typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT) return value;
    if (typeof value === 'number' && Number.isInteger(value)) return String(value); // ids are sometimes numbers
    throw new LiveGameFormatError('leaderboard', `${at}.${key}`, `must be a non-empty string of at most ${MAX_TEXT} characters`);
  };
  const byHorizon = record.ranks_by_horizon;
  const horizons: HorizonScores[] = [];
  if (byHorizon !== undefined && byHorizon !== null) {
    for (const [key, value] of Object.entries(object(byHorizon, `${at}.ranks_by_horizon`))) {
      const horizonAt = `${at}.ranks_by_horizon["${key.slice(0, 20)}"]`;
      if (!/^[1-9][0-9]{0,9}$/.test(key)) throw new LiveGameFormatError('leaderboard', horizonAt, 'horizon key must be a positive integer (seconds)');
      horizons.push({ horizon: Number(key), scores: parseScores(object(value, horizonAt).score, `${horizonAt}.score`) });
    }
  }
  return { modelId: text('model_id'), modelName: text('model_name'), playerId: text('player_id'), playerName: text('player_name'), horizons };
}

/** A missing or null score object means "not scored on this horizon". */
function parseScores(raw: unknown, at: string): Record<string, number | null> {
  if (raw === undefined || raw === null) return {};
  const scores: Record<string, number | null> = {};
  for (const [column, value] of Object.entries(object(raw, at))) {
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new LiveGameFormatError('leaderboard', `${at}.${column.slice(0, 40)}`, 'must be a finite number or null');
    }
    scores[column] = value;
  }
  return scores;
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LiveGameFormatError('leaderboard', at, 'must be an object');
  return value as Record<string, unknown>;
}

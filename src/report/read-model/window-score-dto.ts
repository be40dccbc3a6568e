import { finiteOrNull } from '../../database/stored-json';
import type { WindowScore } from '../../score/model-standing';
import type { SnapshotScores } from '../../score/score-snapshot.repository';
import type { ParamWindowDto } from '../dto/snapshot.dto';

/** The seed's three windows have their own snapshot columns (`score_recent/steady/anchor`). */
export function seedColumn(snapshot: Pick<SnapshotScores, 'scoreRecent' | 'scoreSteady' | 'scoreAnchor'>, name: string): number | null | undefined {
  if (name === 'recent') return snapshot.scoreRecent;
  if (name === 'steady') return snapshot.scoreSteady;
  if (name === 'anchor') return snapshot.scoreAnchor;
  return undefined;
}

/**
 * Every configured window of a stored standing as the API serves it: a window the row does not
 * describe has null count and completeness, and its value from `fallbackValue` (a seed column).
 *
 * @example
 *   windowScoreDtos({ anchor: { value: 0.1, count: 3, failed: 0, complete: false } }, ['anchor', 'recent'])
 *   // { anchor: { value: 0.1, count: 3, complete: false }, recent: { value: null, count: null, complete: null } }
 */
export function windowScoreDtos(
  windows: Readonly<Record<string, WindowScore>>,
  names: readonly string[],
  fallbackValue: (name: string) => number | null | undefined = () => null,
): Record<string, ParamWindowDto> {
  const out: Record<string, ParamWindowDto> = {};
  for (const name of names) {
    const w = Object.prototype.hasOwnProperty.call(windows, name) ? windows[name] : undefined;
    out[name] = w ? { value: finiteOrNull(w.value), count: w.count, complete: w.complete } : { value: finiteOrNull(fallbackValue(name)), count: null, complete: null };
  }
  return out;
}

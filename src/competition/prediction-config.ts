import { paramKey } from '../config/competition/competition.types';

/**
 * One prediction config as stored in `prediction_configs`: a parameter set (asset, horizon,
 * step) predicted every `interval` seconds. Its id is stable across restarts and edits of the
 * competition file, so rounds and predictions keep pointing at it.
 *
 * @example
 *   { id: '0d6f...', competitionId: 'condorgame', asset: 'BTC', horizon: 3600, step: 60,
 *     interval: 720, group: 'hourly', active: true, order: 0 }
 */
export interface PredictionConfig {
  id: string;
  competitionId: string;
  asset: string;
  horizon: number;
  step: number;
  /** Seconds between two rounds of this config. */
  interval: number;
  group: string;
  active: boolean;
  order: number;
}

/** `BTC-3600-60`: the parameter-set key scoring and the report use. */
export function configParamKey(config: Pick<PredictionConfig, 'asset' | 'horizon' | 'step'>): string {
  return paramKey(config);
}

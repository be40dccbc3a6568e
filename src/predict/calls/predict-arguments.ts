import type { MethodDefinition } from '../../config/competition/competition.types';
import type { PredictionConfig } from '../../competition/prediction-config';
import type { ModelCallArguments } from '../predict.ports';
import { methodArguments } from './method-arguments';

/**
 * The arguments of `predict` for one config: the declared argument names (`asset`, `horizon`,
 * `step`, `interval`) take the config's values, in seconds; `steps` (a multi-resolution config's
 * steps, sent as a JSON list to `predict_all`) is known only when given.
 *
 * @example
 *   predictArguments(btcHourly, { method: 'predict', args: [{ name: 'asset', type: 'STRING' }, ...] })
 *   predictArguments(btcDaily, { method: 'predict_all', args: [..., { name: 'steps', type: 'JSON' }] }, [300, 3600, 21600, 86400])
 */
export function predictArguments(config: PredictionConfig, predict: MethodDefinition, steps?: readonly number[]): ModelCallArguments {
  const values: Record<string, unknown> = { asset: config.asset, horizon: config.horizon, step: config.step, interval: config.interval };
  if (steps !== undefined) values.steps = [...steps];
  return methodArguments(predict.method, values, predict.args);
}

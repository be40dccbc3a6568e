import type { MethodDefinition } from '../../config/competition/competition.types';
import type { PredictionConfig } from '../../competition/prediction-config';
import type { ModelCallArguments } from '../predict.ports';
import { methodArguments } from './method-arguments';

/**
 * The arguments of `predict` for one config: the declared argument names (`asset`, `horizon`,
 * `step`, `interval`) take the config's values, in seconds.
 *
 * @example
 *   predictArguments(btcHourly, { method: 'predict', args: [{ name: 'asset', type: 'STRING' }, ...] })
 */
export function predictArguments(config: PredictionConfig, predict: MethodDefinition): ModelCallArguments {
  return methodArguments(
    predict.method,
    { asset: config.asset, horizon: config.horizon, step: config.step, interval: config.interval },
    predict.args,
  );
}

/**
 * Example {{name}} model (TypeScript): a wider normal density than the Python example (twice the
 * recent volatility over a longer window), so the two rank apart on the leaderboard.
 * `{{module}}` resolves to node_modules/{{module}}, a link to ../../typescript (what `npm install`
 * of the file: dependency in package.json gives).
 */
import { {{base_class}} } from '{{module}}/tracker';

const OUTPUT: string = '{{output}}';

export class ExampleTracker extends {{base_class}} {
  predict({{ts_predict_params}}) {
    const steps = Math.floor(horizon / step);
    if (OUTPUT === 'distributions') {
      const scale = 2 * this.volatility(asset, step, 240);
      return Array.from({ length: steps }, () => ({ type: 'builtin' as const, name: 'norm', params: { loc: 0, scale } }));
    }
    return OUTPUT === 'vector' ? new Array(steps).fill(0) : 0;
  }
}

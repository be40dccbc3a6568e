/**
 * Example {{name}} model (TypeScript): ranks the items by the mean of their features, a blunter
 * signal than the Python example's, so the two rank apart on the leaderboard.
 * `{{module}}` resolves to node_modules/{{module}}, a link to ../../typescript (what `npm install`
 * of the file: dependency in package.json gives).
 */
import { {{base_class}}, RoundInputs } from '{{module}}/model';

export class MeanOfFeatures extends {{base_class}} {
  predict(inputs: RoundInputs): number[] {
    return this.rows(inputs).map((row) => row.reduce((sum, value) => sum + value, 0) / row.length);
  }
}

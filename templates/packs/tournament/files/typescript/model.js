'use strict';
/**
 * Participant interface of the {{name}} tournament for JavaScript and TypeScript models (the twin
 * of Python's `{{module}}.model.{{base_class}}`; types in model.d.ts). Setup class name:
 * `{{module}}.model.{{base_class}}`, loaded as `require('{{module}}/model')`.
 *
 * Each round the coordinator calls `predict(inputs)` with `{ features: [[x, ...], ...] }` (one row
 * per item) and expects one number per row: the higher, the higher the item should rank.
 *
 * @example
 *   import { {{base_class}} } from '{{module}}/model';
 *   export class MyModel extends {{base_class}} {
 *     predict(inputs) { return this.rows(inputs).map((row) => row[0]); }
 *   }
 */
class {{base_class}} {
  /** Scores every item of a round: one number per row of `inputs.features`. Submissions override it. */
  predict(inputs) {
    throw new Error(`${this.constructor.name} does not implement predict(inputs)`);
  }

  /** The feature rows of a round's inputs (an empty list when there are none). */
  rows(inputs) {
    const features = inputs !== null && typeof inputs === 'object' ? inputs.features : undefined;
    return Array.isArray(features) ? features.filter(Array.isArray).map((row) => row.map(Number)) : [];
  }
}

module.exports = { {{base_class}} };

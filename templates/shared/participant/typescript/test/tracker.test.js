'use strict';
// Tests of the {{name}} JavaScript package: `node --test test/` (Node's own runner, no dependencies).
const test = require('node:test');
const assert = require('node:assert/strict');
const { {{base_class}} } = require('..');

class ConstantTracker extends {{base_class}} {
  predict({{ts_predict_names}}) {
    const steps = Math.floor(horizon / step);
    if ('{{output}}' === 'distributions') {
      const scale = this.volatility(asset, step);
      return Array.from({ length: steps }, () => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale } }));
    }
    if ('{{output}}' === 'vector') return new Array(steps).fill(0);
    return 0;
  }
}

test('predict must be written by the submission', () => {
  assert.throws(() => new {{base_class}}().predict({{ts_sample_call}}), /does not implement predict/);
});

test('tick keeps new points in time order and ignores old or bad ones', () => {
  const tracker = new ConstantTracker();
  tracker.tick({ '{{first_asset}}': [[10, 100], [20, 101]] });
  tracker.tick({ '{{first_asset}}': [[20, 999], [15, 5], [30, -1], [40, NaN], 'junk', [50, 102]] });
  assert.deepEqual(tracker.prices['{{first_asset}}'], [[10, 100], [20, 101], [50, 102]]);
  assert.equal(tracker.lastPrice('{{first_asset}}'), 102);
});

test('changes are taken step seconds apart', () => {
  const tracker = new ConstantTracker();
  tracker.tick({ '{{first_asset}}': Array.from({ length: 10 }, (_, i) => [10 * i, 100 + 10 * i]) });
  assert.equal(tracker.changes('{{first_asset}}', 30).length, 3);
  assert.ok(tracker.volatility('{{first_asset}}', 10) > 0);
});

test('the sample answer has the competition output shape ({{output}})', () => {
  const tracker = new ConstantTracker();
  tracker.tick({ '{{first_asset}}': Array.from({ length: 100 }, (_, i) => [10 * i, 100 * Math.exp(0.001 * Math.sin(i))]) });
  const answer = tracker.predict({{ts_sample_call}});
  if ('{{output}}' === 'distributions' || '{{output}}' === 'vector') assert.equal(answer.length, {{first_horizon}} / {{first_step}});
  assert.ok(JSON.stringify(answer).length > 0 && !JSON.stringify(answer).includes('null'));
});

'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { {{base_class}} } = require('../model');

class Sums extends {{base_class}} {
  predict(inputs) {
    return this.rows(inputs).map((row) => row.reduce((a, b) => a + b, 0));
  }
}

test('a subclass answers one number per row', () => {
  assert.deepStrictEqual(new Sums().predict({ features: [[1, 2], [3, 4]] }), [3, 7]);
});

test('the base class refuses to predict', () => {
  assert.throws(() => new {{base_class}}().predict({ features: [[1]] }));
});

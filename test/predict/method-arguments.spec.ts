import { predictArguments } from '../../src/predict/calls/predict-arguments';
import { MethodArgumentError, methodArguments } from '../../src/predict/calls/method-arguments';
import type { PredictionConfig } from '../../src/competition/prediction-config';
import { encodeCallArguments } from '../../src/model-runner/variant/call-arguments';
import { decodeVariant, VariantType } from '../../src/model-runner/variant/variant';

const btc: PredictionConfig = { id: 'x', competitionId: 'c', asset: 'BTC', horizon: 3600, step: 60, interval: 720, group: 'g', active: true, order: 0 };

describe('predict arguments', () => {
  it('are the reference predict(STRING asset, INT horizon, INT step), positional in order', () => {
    const args = predictArguments(btc, {
      method: 'predict',
      args: [
        { name: 'asset', type: 'STRING' },
        { name: 'horizon', type: 'INT' },
        { name: 'step', type: 'INT' },
      ],
    });
    expect(args).toEqual({ positional: [{ type: 'STRING', value: 'BTC' }, { type: 'INT', value: 3600 }, { type: 'INT', value: 60 }] });
  });

  it('send keyword arguments by name and convert values to the declared wire type', () => {
    const args = predictArguments(btc, {
      method: 'predict',
      args: [
        { name: 'asset', type: 'STRING' },
        { name: 'interval', type: 'DOUBLE', keyword: true },
        { name: 'horizon', type: 'STRING', keyword: true },
      ],
    });
    expect(args).toEqual({
      positional: [{ type: 'STRING', value: 'BTC' }],
      keyword: { interval: { type: 'DOUBLE', value: 720 }, horizon: { type: 'STRING', value: '3600' } },
    });
  });

  it('fail with the method and argument named when a name is unknown or a value does not fit', () => {
    expect(() => methodArguments('predict', { asset: 'BTC' }, [{ name: 'horizon_seconds', type: 'INT' }])).toThrow(
      new MethodArgumentError('predict', 'horizon_seconds', 'unknown argument name (known: asset)'),
    );
    expect(() => methodArguments('predict', { asset: 'BTC' }, [{ name: 'asset', type: 'INT' }])).toThrow(/predict\(asset\): declared INT/);
  });

  it('go on the wire typed by the method definitions of the competition, keyword ones by name', () => {
    const wire = encodeCallArguments(
      methodArguments('predict', { asset: 'ETH', horizon: 86400, step: 3600, debug: 1 }, [
        { name: 'asset', type: 'STRING' },
        { name: 'horizon', type: 'INT' },
        { name: 'step', type: 'INT' },
        { name: 'debug', type: 'INT', keyword: true },
      ]),
    );
    expect(wire.arguments.map((a) => [a.position, a.data.type, decodeVariant(a.data)])).toEqual([
      [1, VariantType.STRING, 'ETH'],
      [2, VariantType.INT, 86400],
      [3, VariantType.INT, 3600],
    ]);
    expect(wire.kwArguments.map((a) => [a.keyword, decodeVariant(a.data)])).toEqual([['debug', 1]]);
  });
});

describe('predict_all arguments', () => {
  it('send a multi-resolution config\'s steps as a JSON list', () => {
    const args = predictArguments(
      btc,
      {
        method: 'predict_all',
        args: [
          { name: 'asset', type: 'STRING' },
          { name: 'horizon', type: 'INT' },
          { name: 'steps', type: 'JSON' },
        ],
      },
      [60, 300, 900, 1800, 3600],
    );
    expect(args).toEqual({
      positional: [{ type: 'STRING', value: 'BTC' }, { type: 'INT', value: 3600 }, { type: 'JSON', value: [60, 300, 900, 1800, 3600] }],
    });
  });

  it('refuse a steps argument for a config without steps', () => {
    expect(() => predictArguments(btc, { method: 'predict_all', args: [{ name: 'steps', type: 'JSON' }] })).toThrow(MethodArgumentError);
  });
});

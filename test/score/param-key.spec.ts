import { paramKey, parseParamKey } from '../../src/config/competition/competition.types';

describe('parseParamKey', () => {
  it('reads back what paramKey writes, an asset with dashes included', () => {
    for (const set of [{ asset: 'BTC', horizon: 3600, step: 60 }, { asset: 'ETH-USD', horizon: 300, step: 5 }]) expect(parseParamKey(paramKey(set))).toEqual(set);
  });

  it('names no parameter set for other text', () => {
    expect(parseParamKey('BTC')).toBeUndefined();
    expect(parseParamKey('BTC-1h-60')).toBeUndefined();
  });
});

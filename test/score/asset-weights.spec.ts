import { computeStandings, overallValue, ParamStanding } from '../../src/score/model-standing';
import { WindowBuckets } from '../../src/score/window-buckets';

const SYNTH_WEIGHTS = { BTC: 1.0, ETH: 0.7064366394033871, SOL: 0.6310037175639559 };
const param = (asset: string, value: number | null): Pick<ParamStanding, 'asset' | 'windows'> => ({
  asset,
  windows: { anchor: { value, count: value === null ? 0 : 1, failed: 0, complete: true } },
});

describe('the overall score with per-asset weights (the Synth game\'s weighted mean)', () => {
  it('is the mean over parameter sets with a value when no weights are given', () => {
    expect(overallValue([param('BTC', 10), param('ETH', 20), param('SOL', null)], 'anchor')).toBe(15);
    expect(overallValue([param('BTC', null)], 'anchor')).toBeNull();
  });

  it('weighs each parameter set by its asset: sum(w * v) / sum(w), leaving out sets without a value', () => {
    const value = overallValue([param('BTC', 10), param('ETH', 20), param('SOL', null)], 'anchor', SYNTH_WEIGHTS);
    expect(value).toBeCloseTo((10 + 0.7064366394033871 * 20) / 1.7064366394033871, 12);
  });

  it('weighs an asset the weights do not name as 1 (e.g. a parameter set no longer in the file)', () => {
    expect(overallValue([param('BTC', 10), param('DOGE', 40)], 'anchor', { BTC: 3 })).toBe((30 + 40) / 4);
    expect(overallValue([param('BTC', 10), param('constructor', 40)], 'anchor', { BTC: 3 })).toBe((30 + 40) / 4);
  });

  it('is what computeStandings stores as a model\'s overall window value', () => {
    const windows = [{ name: 'anchor', seconds: 86400 }];
    const totals = [
      { modelId: 'm', param: 'BTC-3600-60', totals: [{ sum: 20, count: 2, failed: 0 }] },
      { modelId: 'm', param: 'ETH-3600-60', totals: [{ sum: 60, count: 3, failed: 0 }] },
    ];
    const now = Date.UTC(2026, 0, 2);
    const [plain] = computeStandings(totals, new Map(), windows, new WindowBuckets(windows), now);
    const [weighted] = computeStandings(totals, new Map(), windows, new WindowBuckets(windows), now, { BTC: 1, ETH: 0.5 });
    expect(plain.windows.anchor.value).toBe(15);
    expect(weighted.windows.anchor.value).toBeCloseTo((10 + 0.5 * 20) / 1.5, 12);
    expect(weighted.windows.anchor.params).toBe(2);
  });
});

import { Scorer, ScoreInput, ScoreOutcome, scoreFailed, scoreSafely, scoreValue } from '../scorer';
import { describeValue } from '../prediction-payload';
import { CrpsGridScorer } from './crps-grid.scorer';

/**
 * The Synth game's score of a multi-resolution prediction (`predict_all`), lower is better: for
 * every answered step, crunch-synth's grid CRPS of each increment (the `crps-grid` scorer, with
 * its range `[-K T, K T]`, `K = sqrt(step / 300)` above 300 s), summed over the increments of
 * every resolution, then divided once by the asset's T. An increment whose two ends were priced
 * by the same observation (`ResolutionTruth.sameObservation`, a feed gap) is left out, as the
 * game's evaluator skips it.
 *
 * The payload is `{"<step>": [horizon // step density specs], ...}` (string keys, as Python's
 * json writes int keys); `ScoreInput.resolutions` carries each step's truth (price differences).
 * Options are crps-grid's (`t`, `baseStep`, `numPoints`, `maxComponents`).
 *
 * @example
 *   scorer.score({ asset: 'BTC', horizon: 3600, step: 60, truth: d60, options: {},
 *     payload: { '60': sixtySpecs, '300': twelveSpecs },
 *     resolutions: [{ step: 60, truth: d60 }, { step: 300, truth: d300 }] });
 *   // { ok: true, value: (sum of 72 CRPS values) / 1500 }
 */
export class SynthCrpsScorer implements Scorer {
  readonly name = 'synth-crps';
  readonly direction = 'lower' as const;
  readonly multiResolution = true;

  constructor(private readonly grid: CrpsGridScorer = new CrpsGridScorer()) {}

  validateOptions(options: Record<string, unknown>): void {
    this.grid.validateOptions(options);
  }

  score(input: ScoreInput): ScoreOutcome {
    return scoreSafely(() => {
      const resolutions = input.resolutions;
      if (resolutions === undefined || resolutions.length === 0) return scoreFailed('synth-crps scores multi-resolution predictions only (a config with steps)');
      const payload = input.payload;
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        return scoreFailed(`payload must be an object keyed by step, got ${describeValue(payload)}`);
      }
      let sum = 0;
      let halfWidth = NaN;
      for (const { step, truth, sameObservation } of resolutions) {
        const key = String(step);
        if (!Object.prototype.hasOwnProperty.call(payload, key)) return scoreFailed(`step ${step}: missing from the payload`);
        const specs: unknown = (payload as Record<string, unknown>)[key];
        const result = this.grid.crpsSum({ ...input, payload: specs, truth, step, resolutions: undefined }, sameObservation);
        if (typeof result === 'string') return scoreFailed(`step ${step}: ${result}`);
        sum += result.sum;
        halfWidth = result.halfWidth;
      }
      return scoreValue(sum / halfWidth);
    });
  }
}

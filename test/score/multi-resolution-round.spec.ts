import * as path from 'node:path';
import { VirtualClock } from '../../src/clock/clock';
import { CompetitionRepository } from '../../src/competition/competition.repository';
import { CompetitionSyncService } from '../../src/competition/competition-sync.service';
import { PredictionConfigRepository } from '../../src/competition/prediction-config.repository';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import type { GroundTruthSource } from '../../src/score/ground-truth.source';
import { penaltyScore } from '../../src/score/penalty-score';
import { ModelRegistryRepository } from '../../src/predict/registry/model-registry.repository';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import { PredictionRoundService } from '../../src/predict/round/prediction-round.service';
import { SynthCrpsScorer } from '../../src/score/scorers/builtin/synth-crps.scorer';
import { describeEachEngine } from '../support/test-database';
import { FakeBehaviour, FakeFleet, fleetModel } from '../predict/support/fake-fleet';
import { PriceTable } from './support/price-table';
import { payloadText } from '../../src/predict/round/density-payload-codec';
import { clearScoringTables, startScoring } from './support/scoring-harness';

const synthDemo = loadCompetitionFile(path.join(__dirname, '../../competitions/synth-demo.yaml'));
/** The Synth demo reduced to BTC's "1h" config: horizon 120 s at steps 10/30/60/120. */
const competition: CompetitionDefinition = {
  ...synthDemo,
  predictions: synthDemo.predictions.filter((p) => p.asset === 'BTC' && p.horizon === 120),
};
const STEPS = [10, 30, 60, 120];
const T0 = Date.UTC(2026, 0, 1, 12);

/** A model answering predict_all with `horizon // step` normal densities per step, of this scale. */
function synthModel(scale: number, lengthOf: (step: number, n: number) => number = (_s, n) => n): FakeBehaviour {
  return (method, args) => {
    if (method !== 'predict_all') return { status: 'SUCCESS', result: null };
    const horizon = Number(args.positional[1].value);
    const steps = args.positional[2].value as number[];
    const answer: Record<string, unknown[]> = {};
    for (const step of steps.filter((s) => s <= horizon)) {
      answer[String(step)] = Array.from({ length: lengthOf(step, horizon / step) }, (_, k) => ({
        type: 'builtin',
        name: 'norm',
        params: { loc: 0, scale: scale * Math.sqrt(step / 10) },
        step: (k + 1) * step,
      }));
    }
    return { status: 'SUCCESS', result: answer };
  };
}

describeEachEngine('a multi-resolution round (predict_all) predicted, scored and ranked', (db) => {
  it('calls predict_all with the steps, stores each answer, and scores it with synth-crps against every step\'s price differences (gaps left out)', async () => {
    const ds = db().dataSource;
    await clearScoringTables(ds);
    const configs = new PredictionConfigRepository(ds);
    await new CompetitionSyncService(ds, competition, new CompetitionRepository(), configs).synced();
    const [btc] = await configs.active(competition.id);
    expect(btc).toMatchObject({ asset: 'BTC', horizon: 120, step: 10 });

    const clock = new VirtualClock(T0);
    const fleet = new FakeFleet();
    fleet.join(fleetModel('sharp'), synthModel(2));
    fleet.join(fleetModel('wide'), synthModel(40));
    fleet.join(fleetModel('short'), synthModel(2, (step, n) => (step === 30 ? n - 1 : n)));
    const rounds = new PredictionRoundService(fleet, competition, new PredictionRoundRepository(ds), new ModelRegistryRepository(ds), clock);
    const report = (await rounds.run(btc, new Date(T0)))!;

    expect(fleet.calls[0].method).toBe('predict_all');
    expect(fleet.calls[0].args.get('sharp')!.positional).toEqual([
      { type: 'STRING', value: 'BTC' },
      { type: 'INT', value: 120 },
      { type: 'JSON', value: STEPS },
    ]);
    expect(report.counts).toMatchObject({ successCount: 2, failedCount: 1 });
    const [storedRow] = await ds.query(`SELECT payload::text AS payload, payload_compact FROM predictions WHERE model_id = 'sharp'`);
    const stored = { payload: JSON.parse(payloadText(storedRow)!) };
    expect(storedRow.payload_compact).not.toBeNull(); // stored compact, read back as its text
    expect(Object.keys(stored.payload).sort((a, b) => Number(a) - Number(b))).toEqual(STEPS.map(String));
    const [short] = await ds.query(`SELECT status, failure_reason FROM predictions WHERE model_id = 'short'`);
    expect(short).toEqual({ status: 'FAILED', failure_reason: 'invalid prediction: step 30: expected 4 density specs, got 3' });

    await clock.advanceTo(T0 + 120_000 + 15_000);
    const prices = new PriceTable(() => clock.nowMs());
    // As after a feed gap: both ends of step 10's increment 3 priced by the same observation.
    const truthSource: GroundTruthSource = {
      groundTruth: async (q) => {
        const answer = await prices.groundTruth(q);
        return answer.ok && q.step === 10 ? { ...answer, sameObservation: [3] } : answer;
      },
    };
    const scoring = await startScoring(ds, competition, clock, truthSource, { schedule: false });
    try {
      const cycle = (await scoring.cycles.runCycle())!;
      expect(cycle).toMatchObject({ scored: 3, direction: 'lower' });

      // The test's own truth: price differences over each increment of each step.
      const resolutions = STEPS.map((step) => ({
        step,
        truth: prices.expectedValues({ subject: 'BTC', performedAtMs: T0, horizon: 120, step }, 'difference'),
        ...(step === 10 && { sameObservation: [3] }),
      }));
      const expected = new Map<string, number>();
      for (const modelId of ['sharp', 'wide']) {
        const [row] = await ds.query(`SELECT payload::text AS payload, payload_compact FROM predictions WHERE model_id = $1`, [modelId]);
        const outcome = new SynthCrpsScorer().score({
          payload: JSON.parse(payloadText(row)!), truth: resolutions[0].truth, asset: 'BTC', horizon: 120, step: 10, options: {}, resolutions,
        });
        if (!outcome.ok) throw new Error(outcome.reason);
        expected.set(modelId, outcome.value);
      }
      const scored: Array<{ model_id: string; score_value: number; score_success: boolean }> = await ds.query(
        `SELECT model_id, score_value, score_success FROM predictions_with_scores ORDER BY model_id`,
      );
      const byModel = new Map(scored.map((r) => [r.model_id, r]));
      expect(byModel.get('sharp')!.score_value).toBeCloseTo(expected.get('sharp')!, 9);
      expect(byModel.get('wide')!.score_value).toBeCloseTo(expected.get('wide')!, 9);
      expect(byModel.get('short')).toMatchObject({ score_success: false });
      const penalty = penaltyScore({ policy: 'percentile', percentile: 90 }, [...expected.values()], 'lower')!;
      expect(byModel.get('short')!.score_value).toBeCloseTo(penalty, 9);

      const standings = new Map(cycle.standings.map((s) => [s.modelId, s]));
      expect(standings.get('sharp')!.params.map((p) => p.param)).toEqual(['BTC-120-10']);
      expect(standings.get('sharp')!.windows.anchor.value).toBeCloseTo(expected.get('sharp')!, 9);
    } finally {
      await scoring.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { VirtualClock } from '../../src/clock/clock';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { CompetitionRepository } from '../../src/competition/competition.repository';
import { CompetitionSyncService } from '../../src/competition/competition-sync.service';
import { PredictionConfig } from '../../src/competition/prediction-config';
import { PredictionConfigRepository } from '../../src/competition/prediction-config.repository';
import { ModelRegistryRepository } from '../../src/predict/registry/model-registry.repository';
import { PredictionRecord, PredictionRoundRecord } from '../../src/predict/round/prediction-round';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import { PredictionRoundService } from '../../src/predict/round/prediction-round.service';
import { describeEachEngine } from '../support/test-database';
import { payloadText } from '../../src/predict/round/density-payload-codec';

/** A stored row with its payload decoded from whichever column holds it (compact or text). */
function storedPayload(row: { payload: string | null; payload_compact: Uint8Array | null }): Record<string, unknown> {
  const { payload_compact: _compact, ...rest } = row;
  const text = payloadText(row);
  return { ...rest, payload: text === null ? null : (JSON.parse(text) as unknown) };
}
import { densityModel, FakeAnswer, FakeBehaviour, FakeFleet, fleetModel } from './support/fake-fleet';

const demo = loadCompetitionFile(path.join(__dirname, '../../competitions/demo.yaml'));
const competition: CompetitionDefinition = { ...demo, model: { ...demo.model, maxPredictionBytes: 20_000 } };
const norm = { type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.01 } };

describeEachEngine('PredictionRoundService', (db) => {
  let configs: PredictionConfig[];
  let btc: PredictionConfig;
  let registry: ModelRegistryRepository;
  let rounds: PredictionRoundRepository;
  let clock: VirtualClock;
  let fleet: FakeFleet;
  let service: PredictionRoundService;
  let slot = Date.UTC(2026, 0, 1, 0, 0, 0);

  beforeAll(async () => {
    const ds = db().dataSource;
    const configRepository = new PredictionConfigRepository(ds);
    await new CompetitionSyncService(ds, competition, new CompetitionRepository(), configRepository).synced();
    configs = await configRepository.active(competition.id);
    btc = configs.find((c) => c.asset === 'BTC' && c.horizon === 120)!; // horizon 120 / step 30 = 4 distributions
    registry = new ModelRegistryRepository(ds);
    rounds = new PredictionRoundRepository(ds);
  });

  beforeEach(async () => {
    await db().dataSource.query(`UPDATE models SET state = 'STOPPED'`);
    slot += 3_600_000;
    clock = new VirtualClock(slot);
    fleet = new FakeFleet();
    service = new PredictionRoundService(fleet, competition, rounds, registry, clock);
  });

  async function predictionsOf(roundId: string) {
    const rows = await db().dataSource.query(
      `SELECT model_id, status, exec_time_us, payload::text AS payload, payload_compact, failure_reason, performed_at, resolvable_at, asset, horizon, step, config_id
         FROM predictions WHERE round_id = $1 ORDER BY model_id`,
      [roundId],
    );
    return new Map<string, any>(rows.map((r: any) => [r.model_id, storedPayload(r)]));
  }

  async function roundRow(roundId: string) {
    const [r] = await db().dataSource.query(`SELECT * FROM prediction_rounds WHERE id = $1`, [roundId]);
    return r;
  }

  it('stores one SUCCESS prediction per running model with payload, exec time and resolvable_at = performed_at + horizon', async () => {
    fleet.join(fleetModel('m1'), densityModel());
    fleet.join(fleetModel('m2'), densityModel());
    const report = (await service.run(btc, new Date(slot)))!;
    expect(fleet.calls[0]).toMatchObject({ method: 'predict', modelIds: ['m1', 'm2'], timeoutMs: competition.model.callTimeoutMs });
    expect(fleet.calls[0].args.get('m1')!.positional).toEqual([
      { type: 'STRING', value: 'BTC' },
      { type: 'INT', value: 120 },
      { type: 'INT', value: 30 },
    ]);
    const rows = await predictionsOf(report.roundId);
    expect([...rows.keys()]).toEqual(['m1', 'm2']);
    const m1 = rows.get('m1');
    expect(m1).toMatchObject({ status: 'SUCCESS', exec_time_us: '1234', failure_reason: null, asset: 'BTC', horizon: 120, step: 30, config_id: btc.id });
    expect(m1.payload).toEqual([norm, norm, norm, norm]);
    expect(m1.performed_at).toEqual(new Date(slot));
    expect(m1.resolvable_at).toEqual(new Date(slot + 120_000));
    expect(await roundRow(report.roundId)).toMatchObject({
      config_id: btc.id,
      scheduled_at: new Date(slot),
      performed_at: new Date(slot),
      resolvable_at: new Date(slot + 120_000),
      model_count: 2,
      success_count: 2,
      failed_count: 0,
      timeout_count: 0,
      absent_count: 0,
    });
  });

  it('stores FAILED and TIMEOUT answers with their reason and no payload', async () => {
    fleet.join(fleetModel('failing'), () => ({ status: 'FAILED', error: 'MODEL_FAILED: ZeroDivisionError' }));
    fleet.join(fleetModel('slow'), () => ({ status: 'TIMEOUT', error: 'deadline exceeded after 5000 ms' }));
    const report = (await service.run(btc, new Date(slot)))!;
    const rows = await predictionsOf(report.roundId);
    expect(rows.get('failing')).toMatchObject({ status: 'FAILED', failure_reason: 'MODEL_FAILED: ZeroDivisionError', payload: null });
    expect(rows.get('slow')).toMatchObject({ status: 'TIMEOUT', failure_reason: 'deadline exceeded after 5000 ms', payload: null });
    expect(report.counts).toMatchObject({ modelCount: 2, failedCount: 1, timeoutCount: 1 });
  });

  it('fails invalid answers with a short reason: wrong length, NaN, too large, wrong types', async () => {
    const answer = (result: unknown): FakeBehaviour => () => ({ status: 'SUCCESS', result }) as FakeAnswer;
    fleet.join(fleetModel('short'), answer([norm, norm, norm]));
    fleet.join(fleetModel('nan'), answer([norm, norm, norm, { ...norm, params: { loc: NaN, scale: 1 } }]));
    fleet.join(fleetModel('huge'), answer([norm, norm, norm, { ...norm, blob: 'x'.repeat(30_000) }]));
    fleet.join(fleetModel('string'), answer('BTC goes up'));
    fleet.join(fleetModel('numbers'), answer([1, 2, 3, 4]));
    fleet.join(fleetModel('good'), densityModel());
    const report = (await service.run(btc, new Date(slot)))!;
    const rows = await predictionsOf(report.roundId);
    const reasons = Object.fromEntries([...rows].map(([id, r]) => [id, [r.status, r.failure_reason, r.payload === null]]));
    expect(reasons).toEqual({
      good: ['SUCCESS', null, false],
      huge: ['FAILED', expect.stringMatching(/^invalid prediction: payload is (larger than the 20000-byte limit|\d+ bytes, above the 20000-byte limit)$/), true],
      nan: ['FAILED', 'invalid prediction: non-finite number NaN at [3].params.loc (not storable as JSON)', true],
      numbers: ['FAILED', 'invalid prediction: distribution [0] must be an object, got number', true],
      short: ['FAILED', 'invalid prediction: expected exactly 4 distributions (horizon / step), got 3', true],
      string: ['FAILED', 'invalid prediction: expected a list of 4 distributions, got string', true],
    });
    expect(report.counts).toMatchObject({ modelCount: 6, successCount: 1, failedCount: 5 });
  });

  it('stores ABSENT for a known model the fleet cannot call', async () => {
    await registry.recordRunning(competition.id, fleetModel('connecting'), new Date(slot));
    fleet.join(fleetModel('m1'), densityModel());
    const report = (await service.run(btc, new Date(slot)))!;
    const rows = await predictionsOf(report.roundId);
    expect(rows.get('connecting')).toMatchObject({ status: 'ABSENT', failure_reason: 'not connected to the coordinator when the round started', exec_time_us: null });
    expect(fleet.calls[0].modelIds).toEqual(['m1']);
    expect(report.counts).toMatchObject({ modelCount: 2, successCount: 1, absentCount: 1 });
  });

  it('fixes the round models at its start: a model joining mid-round waits, one leaving still has its answer stored', async () => {
    fleet.join(fleetModel('stays'), densityModel());
    fleet.join(fleetModel('leaves'), densityModel());
    fleet.duringCall = () => {
      fleet.join(fleetModel('late'), densityModel());
      fleet.leave('leaves', 'orchestrator stopped it');
    };
    const report = (await service.run(btc, new Date(slot)))!;
    const rows = await predictionsOf(report.roundId);
    expect([...rows.keys()]).toEqual(['leaves', 'stays']);
    expect(rows.get('leaves').status).toBe('SUCCESS');
  });

  it('marks ABSENT a model that left between the start of the round and the call', async () => {
    fleet.join(fleetModel('stays'), densityModel());
    fleet.join(fleetModel('gone'), densityModel());
    fleet.beforeCall = () => fleet.leave('gone');
    const report = (await service.run(btc, new Date(slot)))!;
    const rows = await predictionsOf(report.roundId);
    expect(rows.get('gone')).toMatchObject({ status: 'ABSENT', failure_reason: 'no answer: the model left the fleet during the round' });
    expect(rows.get('stays').status).toBe('SUCCESS');
  });

  it('runs a schedule slot once: the same config and slot again is skipped', async () => {
    fleet.join(fleetModel('m1'), densityModel());
    const first = await service.run(btc, new Date(slot));
    const second = await service.run(btc, new Date(slot));
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    expect(fleet.calls).toHaveLength(1);
    const [{ n }] = await db().dataSource.query(`SELECT count(*)::int AS n FROM prediction_rounds WHERE config_id = $1 AND scheduled_at = $2`, [btc.id, new Date(slot)]);
    expect(n).toBe(1);
  });

  it('stops waiting for a fleet that never answers and counts its models as TIMEOUT', async () => {
    fleet.join(fleetModel('m1'), () => new Promise<FakeAnswer>(() => undefined));
    let called!: () => void;
    const callStarted = new Promise<void>((resolve) => (called = resolve));
    fleet.duringCall = () => called();
    const running = service.run(btc, new Date(slot));
    await callStarted;
    await clock.advance(competition.model.callTimeoutMs + 5_000);
    const report = (await running)!;
    expect(report.counts).toMatchObject({ modelCount: 1, timeoutCount: 1 });
  });

  it('stores the answers already in while the slower calls are still in flight, and each prediction once', async () => {
    const many = 450;
    for (let i = 0; i < many; i++) fleet.join(fleetModel(`fast-${String(i).padStart(3, '0')}`), densityModel());
    let answerSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (answerSlow = resolve));
    fleet.join(fleetModel('slow'), async (method, args) => {
      await slowGate;
      return densityModel()(method, args);
    });
    const running = service.run(btc, new Date(slot));
    const storedRows = async () => {
      const [{ n }] = await db().dataSource.query(
        `SELECT count(*)::int AS n FROM predictions p JOIN prediction_rounds r ON r.id = p.round_id WHERE r.config_id = $1 AND r.scheduled_at = $2`,
        [btc.id, new Date(slot)],
      );
      return n as number;
    };
    const until = Date.now() + 10_000;
    while ((await storedRows()) < 200 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    const storedBeforeTheLastAnswer = await storedRows();
    answerSlow();
    const report = (await running)!;
    expect(storedBeforeTheLastAnswer).toBeGreaterThanOrEqual(200);
    expect(storedBeforeTheLastAnswer).toBeLessThanOrEqual(many);
    expect(report.counts).toMatchObject({ modelCount: many + 1, successCount: many + 1 });
    const rows = await predictionsOf(report.roundId);
    expect(rows.size).toBe(many + 1);
    expect(rows.get('slow')).toMatchObject({ status: 'SUCCESS', payload: [norm, norm, norm, norm] });
    expect(await roundRow(report.roundId)).toMatchObject({ model_count: many + 1, success_count: many + 1 });
  });

  it('inserts again, in its store, the predictions a streamed insert lost with the connection', async () => {
    for (let i = 0; i < 300; i++) fleet.join(fleetModel(`m${i}`), densityModel());
    const insert = jest.spyOn(rounds, 'insertPredictions');
    const complete = jest.spyOn(rounds, 'complete');
    insert.mockRejectedValueOnce(Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' }));
    try {
      const report = (await service.run(btc, new Date(slot)))!;
      expect(report).toMatchObject({ buffered: false, counts: { modelCount: 300, successCount: 300 } });
      expect(insert.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(insert.mock.calls[0][2].length).toBeGreaterThanOrEqual(200); // the streamed batch that failed
      expect(complete).toHaveBeenCalledTimes(1);
      expect((await predictionsOf(report.roundId)).size).toBe(300);
    } finally {
      insert.mockRestore();
      complete.mockRestore();
    }
  });

  it('keeps the answers that arrived from a fleet that never finishes; only the others count as TIMEOUT', async () => {
    fleet.join(fleetModel('answers'), densityModel());
    fleet.join(fleetModel('hangs'), () => new Promise<FakeAnswer>(() => undefined));
    let called!: () => void;
    const callStarted = new Promise<void>((resolve) => (called = resolve));
    fleet.duringCall = () => called();
    const running = service.run(btc, new Date(slot));
    await callStarted;
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(competition.model.callTimeoutMs + 5_000);
    const report = (await running)!;
    expect(report.counts).toMatchObject({ modelCount: 2, successCount: 1, timeoutCount: 1 });
    const rows = await predictionsOf(report.roundId);
    expect(rows.get('answers')).toMatchObject({ status: 'SUCCESS', payload: [norm, norm, norm, norm] });
    expect(rows.get('hangs')).toMatchObject({ status: 'TIMEOUT', failure_reason: 'the model caller did not answer in time' });
  });

  it('records a round with no model at all', async () => {
    const report = (await service.run(btc, new Date(slot)))!;
    expect(report.counts.modelCount).toBe(0);
    expect((await roundRow(report.roundId)).duration_ms).not.toBeNull();
  });
});

describeEachEngine('PredictionRoundRepository.insertPredictions', (db) => {
  let repository: PredictionRoundRepository;
  let config: PredictionConfig;

  beforeAll(async () => {
    const ds = db().dataSource;
    const configRepository = new PredictionConfigRepository(ds);
    await new CompetitionSyncService(ds, competition, new CompetitionRepository(), configRepository).synced();
    config = (await configRepository.active(competition.id))[0];
    repository = new PredictionRoundRepository(ds);
  });

  async function newRound(): Promise<PredictionRoundRecord> {
    const at = new Date(Date.UTC(2026, 1, 1) + Math.floor(Math.random() * 1e9) * 1000);
    const round = { id: randomUUID(), competitionId: competition.id, configId: config.id, scheduledAt: at, performedAt: at, resolvableAt: new Date(at.getTime() + 120_000) };
    expect(await repository.claim(round)).toBe(true);
    return round;
  }

  function records(n: number, payload = '[1]'): PredictionRecord[] {
    return Array.from({ length: n }, (_, i) => ({ id: randomUUID(), modelId: `model-${i}`, status: 'SUCCESS', execTimeUs: i, payloadJson: payload, failureReason: null }));
  }

  it('inserts more rows than one statement can bind (65535 parameters) in several statements', async () => {
    const round = await newRound();
    const spy = jest.spyOn(db().dataSource, 'query');
    try {
      const outcome = await repository.insertPredictions(round, config, records(12_000));
      expect(outcome).toEqual({ inserted: 12_000, rejectedPayloads: [] });
      const inserts = spy.mock.calls.filter(([sql]) => String(sql).includes('INSERT INTO predictions'));
      expect(inserts).toHaveLength(2);
      for (const [, params] of inserts) expect((params as unknown[]).length).toBeLessThanOrEqual(65535);
    } finally {
      spy.mockRestore();
    }
    const [{ n }] = await db().dataSource.query(`SELECT count(*)::int AS n FROM predictions WHERE round_id = $1`, [round.id]);
    expect(n).toBe(12_000);
  });

  it('splits by payload size as well as by row count', async () => {
    const round = await newRound();
    const spy = jest.spyOn(db().dataSource, 'query');
    try {
      await repository.insertPredictions(round, config, records(10, JSON.stringify('x'.repeat(1000))), { maxChars: 2500 });
      expect(spy.mock.calls.filter(([sql]) => String(sql).includes('INSERT INTO predictions'))).toHaveLength(5);
    } finally {
      spy.mockRestore();
    }
  });

  it('is idempotent per (round, model)', async () => {
    const round = await newRound();
    const rows = records(3);
    await repository.insertPredictions(round, config, rows);
    const again = await repository.insertPredictions(round, config, rows.map((r) => ({ ...r, id: randomUUID() })));
    expect(again.inserted).toBe(0);
  });

  it('stores as FAILED, without payload, a row whose payload PostgreSQL refuses, and keeps the others', async () => {
    const round = await newRound();
    const rows = records(3);
    rows[1].payloadJson = '["a\u0000b"]'; // a raw NUL character: text PostgreSQL cannot store
    const outcome = await repository.insertPredictions(round, config, rows);
    expect(outcome).toEqual({ inserted: 3, rejectedPayloads: ['model-1'] });
    const stored = (await db().dataSource.query(`SELECT model_id, status, payload::text AS payload, payload_compact, failure_reason FROM predictions WHERE round_id = $1 ORDER BY model_id`, [round.id])).map(storedPayload);
    expect(stored.map((r: any) => [r.model_id, r.status, r.payload])).toEqual([
      ['model-0', 'SUCCESS', [1]],
      ['model-1', 'FAILED', null],
      ['model-2', 'SUCCESS', [1]],
    ]);
    expect(stored[1].failure_reason).toMatch(/^payload refused by the database: /);
  });
});

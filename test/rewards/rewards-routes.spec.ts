import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import type { ModelStanding } from '../../src/score/model-standing';
import { ScoreSnapshotRepository } from '../../src/score/score-snapshot.repository';
import type { FrozenEntry } from '../../src/rewards/checkpoints/checkpoint';
import { computeCheckpointPayouts } from '../../src/rewards/checkpoints/checkpoint-payouts';
import { CheckpointRepository } from '../../src/rewards/checkpoints/checkpoint.repository';
import { verifyProofDocument } from '../../src/rewards/commitments/proof-document';
import type { ProofDocument } from '../../src/rewards/commitments/proof-document';
import { ScoreCommitmentRepository } from '../../src/score/score-commitment.repository';
import { RewardFunctionRegistry } from '../../src/rewards/reward-function.registry';
import { demoCompetition, ReportTestApp, startReportApp } from '../report/support/report-test-app';
import { describeEachEngine } from '../support/test-database';
import { hasPython, verifyWithPython } from './checkpoint-app';

const T = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;
const IDS = ['0b6f4a52-6f0e-4c4e-9a55-6c1d1f0f2a11', '1c7f4a52-6f0e-4c4e-9a55-6c1d1f0f2a12', '2d8f4a52-6f0e-4c4e-9a55-6c1d1f0f2a13'];

function standing(modelId: string, anchor: number): ModelStanding {
  const w = { value: anchor, count: 3, failed: 0, complete: true };
  return { modelId, windows: { recent: { ...w, params: 1 }, steady: { ...w, params: 1 }, anchor: { ...w, params: 1 } }, params: [{ param: 'BTC-3600-60', asset: 'BTC', horizon: 3600, step: 60, windows: { recent: w, steady: w, anchor: w } }] };
}

function entry(modelId: string, rank: number, anchor: number): FrozenEntry {
  return { model_id: modelId, model_name: modelId, cruncher_id: `c-${modelId}`, cruncher_name: `c-${modelId}`, rank, score_recent: anchor, score_steady: anchor, score_anchor: anchor, horizons: [{ horizon: 3600, scores: { anchor } }] };
}

describeEachEngine('report routes of rewards and commitments', (db) => {
  let t: ReportTestApp;
  let competition: CompetitionDefinition;
  const get = (route: string) => fetch(`${t.url}${route}`);

  beforeAll(async () => {
    const ds = db().dataSource;
    competition = demoCompetition();
    const snapshots = new ScoreSnapshotRepository(ds);
    const commitments = new ScoreCommitmentRepository(ds, new ScoreSnapshotRepository(ds));
    // Three committed cycles, written as the score cycle writes them.
    for (let c = 0; c < 3; c++) {
      const standings = ['m-a', 'm-b', 'm-c'].map((m, i) => standing(m, (i + 1) / 10 + c / 100));
      await ds.transaction(async (em) => {
        await snapshots.insert(standings, T + c * HOUR, em);
        await commitments.commit(em, competition.id, new Date(T + c * HOUR), standings);
      });
    }
    const repository = new CheckpointRepository(ds);
    const registry = new RewardFunctionRegistry();
    const last = await commitments.at(competition.id, new Date(T + 2 * HOUR));
    for (let i = 0; i < 3; i++) {
      const frozen = {
        id: IDS[i],
        competitionId: competition.id,
        periodStart: new Date(T - (3 - i) * 86_400_000),
        periodEnd: new Date(T - (2 - i) * 86_400_000),
        createdAt: new Date(T + 3 * HOUR),
        leaderboardId: null,
        leaderboardAt: null,
        entries: [entry('m-c', 1, 0.3), entry('m-b', 2, 0.2), entry('m-a', 3, 0.1)],
        windows: competition.scoring.windows,
        settings: { function: 'tiers', options: {}, filePool: 100, decimals: 6, direction: 'higher' as const, every: 86400, delay: 0, scorer: 'crps', rankBy: 'anchor' },
        pool: 100,
        decimals: 6,
        cycles: { count: 3, first_cycle_at: new Date(T).toISOString(), last_cycle_at: last!.cycleAt.toISOString(), last_chained_root: last!.chainedRoot },
      };
      const payouts = computeCheckpointPayouts(registry, competition.id, frozen, 100);
      if (!('set' in payouts)) throw new Error(payouts.error);
      await ds.transaction(async (em) => {
        await repository.insertFrozen(em, frozen);
        await repository.writePayouts(em, frozen.id, payouts.set);
        await repository.recordMove(em, frozen.id, { from: null, to: 'PENDING', actor: 'scheduler', at: frozen.createdAt, note: null });
      });
    }
    t = await startReportApp(ds, { competition });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('pages /reports/checkpoints newest period first', async () => {
    const first = await get('/reports/checkpoints?limit=2');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-has-more')).toBe('true');
    expect(first.headers.get('x-next-offset')).toBe('2');
    const page1 = (await first.json()) as Array<{ id: string; period_end: string; distributed_units: string }>;
    expect(page1.map((c) => c.id)).toEqual([IDS[2], IDS[1]]);
    expect(page1[0].period_end).toMatch(/Z$/);
    const second = await get('/reports/checkpoints?limit=2&offset=2');
    expect(second.headers.get('x-has-more')).toBe('false');
    expect(((await second.json()) as Array<{ id: string }>).map((c) => c.id)).toEqual([IDS[0]]);
  });

  it('serves a checkpoint with its entries, payouts, moves and roots', async () => {
    const res = await get(`/reports/checkpoints/${IDS[1]}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.entries.map((e: FrozenEntry) => e.model_id)).toEqual(['m-c', 'm-b', 'm-a']);
    expect(body.payouts.map((p: { model_id: string; rank: number }) => [p.model_id, p.rank])).toEqual([['m-c', 1], ['m-b', 2], ['m-a', 3]]);
    expect(body.payouts.reduce((a: bigint, p: { units: string }) => a + BigInt(p.units), 0n).toString()).toBe(body.distributed_units);
    expect(body.moves).toEqual([{ from: null, to: 'PENDING', actor: 'scheduler', at: new Date(T + 3 * HOUR).toISOString(), note: null }]);
    expect(body.payouts_root).toMatch(/^[0-9a-f]{64}$/);
    expect(body.settings).toMatchObject({ function: 'tiers' });
  });

  it('serves payout proofs that verify to the checkpoint root (and with docs/verify_proof.py)', async () => {
    const checkpoint = await (await get(`/reports/checkpoints/${IDS[0]}`)).json();
    const proofs = (await (await get(`/reports/checkpoints/${IDS[0]}/proof?model_id=m-b`)).json()) as ProofDocument[];
    expect(proofs).toHaveLength(1);
    expect(proofs[0]).toMatchObject({ root: checkpoint.payouts_root, chained_root: checkpoint.chained_root, previous_root: checkpoint.cycles.last_chained_root });
    expect(verifyProofDocument(proofs[0])).toEqual({ ok: true });
    if (hasPython) expect(verifyWithPython(proofs).status).toBe(0);
  });

  it('lists committed cycles newest first, chained, and proves a model score in one', async () => {
    const cycles = (await (await get('/reports/merkle/cycles')).json()) as Array<{ cycle_at: string; root: string; previous_root: string | null; chained_root: string; leaf_count: number }>;
    expect(cycles.map((c) => c.cycle_at)).toEqual([2, 1, 0].map((c) => new Date(T + c * HOUR).toISOString()));
    expect(cycles[2].previous_root).toBeNull();
    expect(cycles[0].previous_root).toBe(cycles[1].chained_root);
    expect(cycles.every((c) => c.leaf_count === 3)).toBe(true);
    const bounded = (await (await get(`/reports/merkle/cycles?since=${new Date(T + HOUR).toISOString()}&limit=1`)).json()) as unknown[];
    expect(bounded).toHaveLength(1);
    const proof = (await (await get(`/reports/merkle/proof?cycle=${cycles[1].cycle_at}&model_id=m-a`)).json()) as ProofDocument;
    expect(proof).toMatchObject({ root: cycles[1].root, chained_root: cycles[1].chained_root, leaf_count: 3 });
    expect(proof.leaf).toMatchObject({ kind: 'score', model_id: 'm-a', cycle_time_ms: T + HOUR });
    expect(verifyProofDocument(proof)).toEqual({ ok: true });
    if (hasPython) expect(verifyWithPython([proof]).status).toBe(0);
  });

  it('re-commits a cycle run twice at the same instant to every snapshot stored then, so its proofs still verify', async () => {
    const ds = db().dataSource;
    const snapshots = new ScoreSnapshotRepository(ds);
    const commitments = new ScoreCommitmentRepository(ds, snapshots);
    const at = new Date(T + 9 * HOUR);
    for (const anchor of [0.1, 0.2]) {
      await ds.transaction(async (em) => {
        const standings = [standing('m-x', anchor)];
        await snapshots.insert(standings, at.getTime(), em);
        await commitments.commit(em, competition.id, at, standings);
      });
    }
    const commitment = await commitments.at(competition.id, at);
    expect(commitment!.leafCount).toBe(2);
    const proof = (await (await get(`/reports/merkle/proof?cycle=${at.toISOString()}&model_id=m-x`)).json()) as ProofDocument;
    expect(proof.root).toBe(commitment!.root);
    expect(verifyProofDocument(proof)).toEqual({ ok: true });
  });

  it('serves the latest emissions per model', async () => {
    const body = await (await get('/reports/emissions/latest')).json();
    expect(body.checkpoint.id).toBe(IDS[2]);
    expect(body.emissions.map((e: { model_id: string }) => e.model_id)).toEqual(['m-c', 'm-b', 'm-a']);
    expect(body.emissions.reduce((a: bigint, e: { units: string }) => a + BigInt(e.units), 0n).toString()).toBe(body.checkpoint.distributed_units);
  });

  it.each([
    ['/reports/checkpoints?limit=0', 'limit'],
    ['/reports/checkpoints?limit=201', 'limit'],
    ['/reports/checkpoints?offset=-1', 'offset'],
    ['/reports/checkpoints/not-a-uuid', 'id'],
    [`/reports/checkpoints/${IDS[0]}/proof`, 'model_id'],
    ['/reports/merkle/cycles?since=yesterday', 'since'],
    ['/reports/merkle/proof?model_id=m-a', 'cycle'],
    ['/reports/merkle/proof?cycle=2026-01-05T00:00:00Z', 'model_id'],
  ])('answers 400 naming the parameter: %s', async (route, parameter) => {
    const res = await get(route);
    expect(res.status).toBe(400);
    expect((await res.json()).parameters).toEqual([parameter]);
  });

  it.each([
    ['/reports/checkpoints/9f9f4a52-6f0e-4c4e-9a55-6c1d1f0f2a19', 'no checkpoint'],
    [`/reports/checkpoints/${IDS[0]}/proof?model_id=nobody`, 'has no payout'],
    ['/reports/merkle/proof?cycle=2026-01-04T00:00:00Z&model_id=m-a', 'no scoring cycle committed'],
    [`/reports/merkle/proof?cycle=${new Date(T).toISOString()}&model_id=nobody`, 'has no score'],
  ])('answers 404 with the reason: %s', async (route, reason) => {
    const res = await get(route);
    expect(res.status).toBe(404);
    expect((await res.json()).message).toContain(reason);
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = SwaggerModule.createDocument(t.app, new DocumentBuilder().setTitle('t').build());
    for (const route of ['/reports/checkpoints', '/reports/checkpoints/{id}', '/reports/checkpoints/{id}/proof', '/reports/emissions/latest', '/reports/merkle/cycles', '/reports/merkle/proof']) {
      expect([route, doc.paths[route]?.get !== undefined]).toEqual([route, true]);
      expect([route, Object.keys(doc.paths[route]!.get!.responses)]).toEqual([route, expect.arrayContaining(['200'])]);
    }
  });
});

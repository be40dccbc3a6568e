/**
 * Rewards and commitments for N models (default 10,000), in process, no database:
 *   - a checkpoint's computation: exponential-top-k and tiers over two horizons, then exact base units;
 *   - a cycle commitment: encode N score leaves, build the SHA-256 tree, chain the root;
 *   - N inclusion proofs (one per model) and their verification.
 *
 *   npm run build && node dist/bench/rewards.js [N=10000] [--database pglite|postgres]
 *
 * With --database (postgres needs DATABASE_URL), also on a real database: the cycle's snapshot +
 * commitment transaction, a whole checkpoint (freeze the leaderboard and N models' per-horizon
 * scores, pay, commit, store) and the proof routes' work (a cycle proof rebuilds the tree from N
 * snapshots; a payout proof from the checkpoint's payouts).
 *
 * Each step runs 5 times; the median is printed (wall time: the machine may be shared).
 */
import { toBaseUnits } from '../src/rewards/base-units';
import { encodeScoreLeaf, ScoreLeaf } from '../src/commitments/commitment-leaves';
import { chainRoot, MerkleTree, verifyProof } from '../src/commitments/merkle-tree';
import { proofDocument, scoreLeafDocument } from '../src/rewards/commitments/proof-document';
import type { RewardStanding } from '../src/rewards/reward-function';
import { RewardFunctionRegistry } from '../src/rewards/reward-function.registry';

import { randomUUID } from 'node:crypto';
import { VirtualClock } from '../src/clock/clock';
import type { CompetitionDefinition } from '../src/config/competition/competition.types';
import { LeaderboardRepository } from '../src/leaderboard/leaderboard.repository';
import { LeaderboardService } from '../src/leaderboard/leaderboard.service';
import { ModelRegistryRepository } from '../src/predict/registry/model-registry.repository';
import { PredictionRoundRepository } from '../src/predict/round/prediction-round.repository';
import type { Checkpoint } from '../src/rewards/checkpoints/checkpoint';
import { CheckpointRepository } from '../src/rewards/checkpoints/checkpoint.repository';
import { CheckpointService } from '../src/rewards/checkpoints/checkpoint.service';
import { MerkleProofService } from '../src/rewards/commitments/merkle-proof.service';
import { ScoreCommitmentRepository } from '../src/score/score-commitment.repository';
import type { GroundTruthSource } from '../src/score/ground-truth.source';
import type { ModelStanding } from '../src/score/model-standing';
import { ScoreCycleService } from '../src/score/score-cycle.service';
import { ScoreSnapshotRepository } from '../src/score/score-snapshot.repository';
import { ScoreWindowRepository } from '../src/score/score-window.repository';
import { ScorerRegistry } from '../src/score/scorers/scorer.registry';
import { benchCompetition } from './bench-competition';
import { benchDatabase } from './bench-database';
import { seededRandom } from '../src/cli/check/seeded-random';

const RUNS = 5;

function median(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

function main(): void {
  const n = Number(process.argv[2] ?? 10_000);
  const engine = process.argv.includes('--database') ? process.argv[process.argv.indexOf('--database') + 1] : undefined;
  if (engine !== undefined) {
    if (engine !== 'pglite' && engine !== 'postgres') throw new Error(`--database must be pglite or postgres, got ${engine}`);
    databaseBench(n, engine).catch((error) => {
      console.error((error as Error).message.slice(0, 500));
      process.exitCode = 1;
    });
    return;
  }
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a positive integer, got ${process.argv[2]}`);
  const next = seededRandom(12);
  const standings: RewardStanding[] = Array.from({ length: n }, (_, i) => ({
    modelId: String(10_000 + i),
    modelName: `model-${i}`,
    playerId: `player-${Math.floor(i / 2)}`, // two models per player
    playerName: `player-${Math.floor(i / 2)}`,
    horizons: [3600, 86400].map((horizon) => ({ horizon, scores: { recent: next(), steady: next(), anchor: next() < 0.05 ? null : next() } })),
  }));
  const registry = new RewardFunctionRegistry();
  const rows: Array<[string, number]> = [];
  for (const name of ['exponential-top-k', 'tiers']) {
    let payouts = 0;
    rows.push([
      `checkpoint: ${name} + base units (${n} models x 2 horizons)`,
      median(() => {
        const result = registry.compute(name, { standings, pool: 392.7865963902861, direction: 'higher', options: {} });
        toBaseUnits(result.payouts.map((p) => p.amount), 18);
        payouts = result.payouts.length;
      }),
    ]);
    rows[rows.length - 1][0] += ` -> ${payouts} payouts`;
  }

  const leaves: ScoreLeaf[] = standings.map((s) => ({ competitionId: 'synth', cycleTimeMs: 1_780_000_000_000, modelId: s.modelId, windows: s.horizons[0].scores }));
  let encoded: Buffer[] = [];
  rows.push([`encode ${n} score leaves`, median(() => (encoded = leaves.map(encodeScoreLeaf)))]);
  let tree = MerkleTree.fromLeaves(encoded);
  rows.push([`build the tree of ${n} leaves + chain the root`, median(() => chainRoot(null, (tree = MerkleTree.fromLeaves(encoded)).root))]);
  rows.push([`${n} inclusion proofs`, median(() => encoded.forEach((_, i) => tree.proof(i)))]);
  const proofs = encoded.map((_, i) => tree.proof(i));
  rows.push([`verify ${n} proofs`, median(() => proofs.forEach((p, i) => { if (!verifyProof(encoded[i], p, tree.root)) throw new Error(`proof ${i} failed`); }))]);
  const docs = leaves.map(scoreLeafDocument);
  rows.push([`${n} proof documents (JSON for the verifier)`, median(() => docs.forEach((d, i) => JSON.stringify(proofDocument(d, tree, i, null))))]);

  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`rewards bench: ${n} models, median of ${RUNS} runs (node ${process.version})`);
  for (const [label, ms] of rows) console.log(`  ${label.padEnd(width)}  ${ms.toFixed(2).padStart(9)} ms  (${((ms * 1000) / n).toFixed(2)} us/model)`);
  console.log(`  proof length: ${proofs[0].siblings.length} siblings; root ${tree.root.toString('hex')}`);
}

/** Wall time of one async step, in ms. */
async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function databaseBench(n: number, engine: 'pglite' | 'postgres'): Promise<void> {
  const db = await benchDatabase(engine);
  const ds = db.dataSource;
  try {
    const predictions = [3600, 86400].map((horizon, i) => ({ asset: 'BTC', horizon, step: 300, interval: 3600, active: true, order: i, group: String(horizon) }));
    const def: CompetitionDefinition = { ...benchCompetition(predictions), rewards: { every: 604800, delay: 86400, pool: 392.7865963902861, function: 'exponential-top-k', options: {}, decimals: 18 } };
    const next = seededRandom(7);
    const at = new Date(Date.UTC(2026, 0, 8));
    const window = () => ({ value: next(), count: 100, failed: 0, complete: true });
    const standings: ModelStanding[] = Array.from({ length: n }, (_, i) => {
      const params = predictions.map((p) => ({ param: `${p.asset}-${p.horizon}-${p.step}`, asset: p.asset, horizon: p.horizon, step: p.step, windows: { recent: window(), steady: window(), anchor: window() } }));
      return { modelId: `model-${i}`, windows: { recent: { ...window(), params: 2 }, steady: { ...window(), params: 2 }, anchor: { ...window(), params: 2 } }, params };
    });
    await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ($1, $1, '{}')`, [def.id]);
    const snapshots = new ScoreSnapshotRepository(ds);
    const commitments = new ScoreCommitmentRepository(ds, new ScoreSnapshotRepository(ds));
    const rows: Array<[string, number]> = [];
    rows.push([
      `cycle: ${n} snapshots + their commitment, one transaction`,
      await timed(() => ds.transaction(async (em) => {
        await snapshots.insert(standings, at.getTime(), em);
        await commitments.commit(em, def.id, at, standings);
      })),
    ]);
    const entries = standings.map((s, i) => ({ rank: i + 1, model_id: s.modelId, model_name: s.modelId, cruncher_name: `player-${i >> 1}`, cruncher_id: `player-${i >> 1}`, score_recent: null, score_steady: null, score_anchor: s.windows.anchor.value, windows: s.windows, complete: {}, scored_count: 100, previous_rank: null, left: false, last_status: null }));
    await new LeaderboardRepository(ds).insert(def.id, { id: randomUUID(), createdAt: at, entries });
    const clock = new VirtualClock(at.getTime() + 86_400_000);
    const noTruth: GroundTruthSource = { groundTruth: async () => ({ ok: false, reason: 'unused', retryable: true }) };
    const cycles = new ScoreCycleService(def, clock, new ScorerRegistry(), noTruth, ds, new PredictionRoundRepository(ds), new ScoreWindowRepository(ds), commitments);
    const leaderboards = new LeaderboardService(def, new LeaderboardRepository(ds), cycles, new ModelRegistryRepository(ds), new PredictionRoundRepository(ds));
    const registry = new RewardFunctionRegistry();
    const checkpointRepository = new CheckpointRepository(ds);
    const service = new CheckpointService(def, clock, ds, leaderboards, cycles, snapshots, commitments, registry, checkpointRepository);
    let taken: Checkpoint | undefined;
    rows.push([`checkpoint: freeze ${n} entries + pay + commit + store`, await timed(async () => (taken = (await service.takeCheckpoint(at.getTime())).checkpoint))]);
    const proofs = new MerkleProofService(def, commitments, snapshots, checkpointRepository);
    rows.push([`cycle proof of one model (tree rebuilt from ${n} snapshots)`, await timed(() => proofs.cycleProof(at, `model-${n >> 1}`))]);
    const paid = (await checkpointRepository.payouts(taken!.id))[0].modelId;
    rows.push([`payout proof of one model (checkpoint of ${(await checkpointRepository.payouts(taken!.id)).length} payouts)`, await timed(() => proofs.payoutProofs(taken!, paid))]);
    console.log(`rewards bench on ${db.label}: ${n} models, one run each`);
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, ms] of rows) console.log(`  ${label.padEnd(width)}  ${ms.toFixed(0).padStart(7)} ms`);
  } finally {
    await db.close();
  }
}

main();

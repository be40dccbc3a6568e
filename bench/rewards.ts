/**
 * Rewards and commitments for N models (default 10,000), in process, no database:
 *   - a checkpoint's computation: exponential-top-k and tiers over two horizons, then exact base units;
 *   - a cycle commitment: encode N score leaves, build the SHA-256 tree, chain the root;
 *   - N inclusion proofs (one per model) and their verification.
 *
 *   npm run build && node dist/bench/rewards.js [N=10000]
 *
 * Each step runs 5 times; the median is printed (wall time: the machine may be shared).
 */
import { toBaseUnits } from '../src/rewards/base-units';
import { encodeScoreLeaf, ScoreLeaf } from '../src/rewards/commitments/commitment-leaves';
import { chainRoot, MerkleTree, verifyProof } from '../src/rewards/commitments/merkle-tree';
import { proofDocument, scoreLeafDocument } from '../src/rewards/commitments/proof-document';
import type { RewardStanding } from '../src/rewards/reward-function';
import { RewardFunctionRegistry } from '../src/rewards/reward-function.registry';

const RUNS = 5;

/** Deterministic pseudo-random numbers (mulberry32) so runs are comparable. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a positive integer, got ${process.argv[2]}`);
  const next = random(12);
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

main();

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { toBaseUnits } from '../../src/rewards/base-units';
import { PayoutLeaf, ScoreLeaf } from '../../src/commitments/commitment-leaves';
import { chainRoot, Hash, MerkleTree } from '../../src/commitments/merkle-tree';
import { encodeLeafDocument, LeafDocument, payoutLeafDocument, proofDocument, ProofDocument, scoreLeafDocument } from '../../src/rewards/commitments/proof-document';

const ROOT = path.resolve(__dirname, '../..');
const VERIFIER = path.join(ROOT, 'docs/verify_proof.py');
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;
if (!hasPython) console.warn('docs/verify_proof.py tests skipped: python3 is not on PATH');
const describePython = hasPython ? describe : describe.skip;

function verifyWithPython(proofs: ProofDocument[]): { status: number | null; lines: string[] } {
  const run = spawnSync('python3', [VERIFIER], { input: JSON.stringify(proofs), encoding: 'utf8' });
  if (run.stderr) throw new Error(run.stderr);
  return { status: run.status, lines: run.stdout.trimEnd().split('\n') };
}

/** Every proof of one tree over `docs`, chained after `previous`. */
function proveAll(docs: LeafDocument[], previous: Hash | null): { proofs: ProofDocument[]; chained: Hash } {
  const tree = MerkleTree.fromLeaves(docs.map(encodeLeafDocument));
  return { proofs: docs.map((doc, i) => proofDocument(doc, tree, i, previous)), chained: chainRoot(previous, tree.root) };
}

const flipHex = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

describePython('docs/verify_proof.py (hashlib + json only) on proofs the TypeScript code produced', () => {
  // Three chained cycles of score leaves (1, 2 and 7 models: one leaf, even, odd) and one checkpoint of payouts.
  const cycle = (t: number, n: number): LeafDocument[] =>
    Array.from({ length: n }, (_, i): ScoreLeaf => ({
      competitionId: 'synth-é', // non-ASCII: the verifier must encode UTF-8 the same way
      cycleTimeMs: 1_780_000_000_000 + t * 60_000,
      modelId: `model-${i}`,
      windows: { recent: i === 3 ? null : (i - 3) / 7, steady: 5e-324 * i, anchor: -0, ['αβ']: 1e300 / (i + 1) },
    })).map(scoreLeafDocument);
  const amounts = [75.7598319809256, 45.95066087110907, 38.89639467404005, 35.78641066906831, 0.1];
  const { units } = toBaseUnits(amounts, 18);
  const payouts = amounts.map((amount, i): PayoutLeaf => ({ competitionId: 'synth', checkpointId: 'CKP_20260608_120000', modelId: `m${i}`, horizon: 3600, rank: i + 1, amount, decimals: 18, units: units[i] }));

  const first = proveAll(cycle(0, 1), null);
  const second = proveAll(cycle(1, 2), first.chained);
  const third = proveAll(cycle(2, 7), second.chained);
  const checkpoint = proveAll(payouts.map(payoutLeafDocument), third.chained);
  const all = [...first.proofs, ...second.proofs, ...third.proofs, ...checkpoint.proofs];

  it('verifies every score and payout proof (one leaf, even and odd counts, chained roots)', () => {
    const { status, lines } = verifyWithPython(all);
    expect(lines).toHaveLength(all.length);
    expect(lines.filter((l) => !l.startsWith('ok   '))).toEqual([]);
    expect(status).toBe(0);
  });

  it('fails a changed leaf, sibling, root or chain link, saying which', () => {
    const proof = third.proofs[6]; // the odd last leaf of 7
    const changedLeaf = { ...proof, leaf: { ...proof.leaf, model_id: 'model-0' } } as ProofDocument;
    const changedSibling = { ...proof, siblings: proof.siblings.map((s, k) => (k === 0 ? { ...s, hash: flipHex(s.hash) } : s)) };
    const changedRoot = { ...proof, root: flipHex(proof.root) };
    const changedChain = { ...proof, previous_root: first.chained.toString('hex') };
    const payout = checkpoint.proofs[1];
    const changedUnits = { ...payout, leaf: { ...payout.leaf, units: (BigInt((payout.leaf as { units: string }).units) + 1n).toString() } } as ProofDocument;
    const { status, lines } = verifyWithPython([proof, changedLeaf, changedSibling, changedRoot, changedChain, changedUnits]);
    expect(status).toBe(1);
    expect(lines).toEqual([
      'ok   0 score model-6',
      'FAIL 1 score model-0: leaf_hash does not match the leaf',
      'FAIL 2 score model-6: the path does not lead to root',
      'FAIL 3 score model-6: the path does not lead to root',
      'FAIL 4 score model-6: chained_root does not chain root to previous_root',
      'FAIL 5 payout m1: leaf_hash does not match the leaf',
    ]);
  });

  it('a leaf hash recomputed to match a forged leaf still fails at the root', () => {
    const proof = second.proofs[0];
    const forged = { ...proof, leaf: { ...proof.leaf, model_id: 'intruder' } } as ProofDocument;
    const tree = MerkleTree.fromLeaves([encodeLeafDocument(forged.leaf)]);
    forged.leaf_hash = tree.leafHash(0).toString('hex');
    const { status, lines } = verifyWithPython([forged]);
    expect(status).toBe(1);
    expect(lines).toEqual(['FAIL 0 score intruder: the path does not lead to root']);
  });
});

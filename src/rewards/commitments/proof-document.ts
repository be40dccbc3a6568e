import { encodePayoutLeaf, encodeScoreLeaf, PayoutLeaf, ScoreLeaf } from '../../commitments/commitment-leaves';
import { chainRoot, Hash, MerkleTree, rootFromProof } from '../../commitments/merkle-tree';

/** A leaf as JSON (snake_case, as the report API writes it); `units` is a decimal string. */
export type LeafDocument =
  | { kind: 'score'; competition_id: string; cycle_time_ms: number; model_id: string; windows: Array<{ name: string; value: number | null }> }
  | { kind: 'payout'; competition_id: string; checkpoint_id: string; model_id: string; horizon: number; rank: number; amount: number; decimals: number; units: string };

/**
 * Everything a participant needs to check one leaf against a published root, with no access to
 * the node: the leaf's fields (re-encoded by the verifier), the sibling path, the tree root, and
 * the chain link (`chained_root = H(0x02 || previous_root || root)`). docs/verify_proof.py reads it.
 */
export interface ProofDocument {
  version: 1;
  leaf: LeafDocument;
  leaf_hash: string;
  leaf_index: number;
  leaf_count: number;
  siblings: Array<{ position: 'left' | 'right'; hash: string }>;
  root: string;
  /** The chained root of the previous commitment; null for the first one. */
  previous_root: string | null;
  chained_root: string;
}

export function scoreLeafDocument(leaf: ScoreLeaf): LeafDocument {
  const windows = Object.entries(leaf.windows)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
  return { kind: 'score', competition_id: leaf.competitionId, cycle_time_ms: leaf.cycleTimeMs, model_id: leaf.modelId, windows };
}

export function payoutLeafDocument(leaf: PayoutLeaf): LeafDocument {
  return {
    kind: 'payout',
    competition_id: leaf.competitionId,
    checkpoint_id: leaf.checkpointId,
    model_id: leaf.modelId,
    horizon: leaf.horizon,
    rank: leaf.rank,
    amount: leaf.amount,
    decimals: leaf.decimals,
    units: leaf.units.toString(),
  };
}

/** The canonical bytes of a leaf document (the same bytes as encodeScoreLeaf / encodePayoutLeaf). */
export function encodeLeafDocument(leaf: LeafDocument): Buffer {
  if (leaf.kind === 'score') {
    const windows: Record<string, number | null> = {};
    for (const w of leaf.windows) windows[w.name] = w.value;
    return encodeScoreLeaf({ competitionId: leaf.competition_id, cycleTimeMs: leaf.cycle_time_ms, modelId: leaf.model_id, windows });
  }
  return encodePayoutLeaf({
    competitionId: leaf.competition_id,
    checkpointId: leaf.checkpoint_id,
    modelId: leaf.model_id,
    horizon: leaf.horizon,
    rank: leaf.rank,
    amount: leaf.amount,
    decimals: leaf.decimals,
    units: BigInt(leaf.units),
  });
}

/**
 * The proof document of leaf `index` of `tree`, whose leaves were encoded from `leaves`.
 *
 * @example
 *   const docs = leaves.map(scoreLeafDocument);
 *   const tree = MerkleTree.fromLeaves(docs.map(encodeLeafDocument));
 *   proofDocument(docs[3], tree, 3, previousChainedRoot);
 */
export function proofDocument(leaf: LeafDocument, tree: MerkleTree, index: number, previousRoot: Hash | null): ProofDocument {
  const proof = tree.proof(index);
  return {
    version: 1,
    leaf,
    leaf_hash: tree.leafHash(index).toString('hex'),
    leaf_index: index,
    leaf_count: proof.leafCount,
    siblings: proof.siblings.map((s) => ({ position: s.position, hash: s.hash.toString('hex') })),
    root: tree.root.toString('hex'),
    previous_root: previousRoot === null ? null : previousRoot.toString('hex'),
    chained_root: chainRoot(previousRoot, tree.root).toString('hex'),
  };
}

/** Checks a proof document the way docs/verify_proof.py does: leaf hash, path to the root, chain link. */
export function verifyProofDocument(doc: ProofDocument): { ok: true } | { ok: false; reason: string } {
  let leaf: Buffer;
  try {
    leaf = encodeLeafDocument(doc.leaf);
  } catch (error) {
    return { ok: false, reason: `leaf cannot be encoded: ${(error as Error).message}` };
  }
  const hex = /^[0-9a-f]{64}$/;
  if (![doc.leaf_hash, doc.root, doc.chained_root, ...doc.siblings.map((s) => s.hash)].every((h) => hex.test(h))) return { ok: false, reason: 'a hash is not 64 hex digits' };
  if (doc.previous_root !== null && !hex.test(doc.previous_root)) return { ok: false, reason: 'previous_root is not 64 hex digits' };
  const steps = doc.siblings.map((s) => ({ position: s.position, hash: Buffer.from(s.hash, 'hex') }));
  if (rootFromProof(leaf, { siblings: [] }).toString('hex') !== doc.leaf_hash) return { ok: false, reason: 'leaf_hash does not match the leaf' };
  if (rootFromProof(leaf, { siblings: steps }).toString('hex') !== doc.root) return { ok: false, reason: 'the path does not lead to root' };
  const previous = doc.previous_root === null ? null : Buffer.from(doc.previous_root, 'hex');
  if (chainRoot(previous, Buffer.from(doc.root, 'hex')).toString('hex') !== doc.chained_root) return { ok: false, reason: 'chained_root does not chain root to previous_root' };
  return { ok: true };
}

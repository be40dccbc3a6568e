import { createHash } from 'node:crypto';
import { encodePayoutLeaf, encodeScoreLeaf, LeafEncodingError } from '../../src/commitments/commitment-leaves';
import { chainRoot, GENESIS_ROOT, hashLeaf, hashNode, MerkleTree, verifyProof } from '../../src/commitments/merkle-tree';
import { encodeLeafDocument, proofDocument, ProofDocument, scoreLeafDocument, verifyProofDocument } from '../../src/rewards/commitments/proof-document';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`leaf-${i}`));
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const flip = (hash: Buffer) => {
  const copy = Buffer.from(hash);
  copy[0] ^= 1;
  return copy;
};

describe('MerkleTree', () => {
  it('hashes leaves and nodes with distinct prefixes, and lifts an odd last node unchanged', () => {
    const [a, b, c] = leaves(3);
    const tree = MerkleTree.fromLeaves([a, b, c]);
    expect(hashLeaf(a)).toEqual(sha(Buffer.from([0]), a));
    expect(tree.root).toEqual(sha(Buffer.from([1]), hashNode(hashLeaf(a), hashLeaf(b)), hashLeaf(c)));
    expect(MerkleTree.fromLeaves([a]).root).toEqual(hashLeaf(a));
    expect(MerkleTree.fromLeaves([]).root).toEqual(sha());
  });

  it.each([1, 2, 3, 5, 7, 8, 13, 100])('every proof of a %i-leaf tree verifies to the root', (n) => {
    const data = leaves(n);
    const tree = MerkleTree.fromLeaves(data);
    for (let i = 0; i < n; i++) {
      const proof = tree.proof(i);
      expect(proof.siblings.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
      expect(verifyProof(data[i], proof, tree.root)).toBe(true);
      expect(verifyProof(data[i], proof, tree.root.toString('hex'))).toBe(true);
    }
  });

  it.each([1, 2, 3, 6, 11])('a changed leaf, sibling or root fails (%i leaves)', (n) => {
    const data = leaves(n);
    const tree = MerkleTree.fromLeaves(data);
    for (let i = 0; i < n; i++) {
      const proof = tree.proof(i);
      expect(verifyProof(Buffer.from(`changed-${i}`), proof, tree.root)).toBe(false);
      expect(verifyProof(data[i], proof, flip(tree.root))).toBe(false);
      // A leaf of the tree is not accepted in another leaf's place.
      if (n > 1) expect(verifyProof(data[(i + 1) % n], proof, tree.root)).toBe(false);
      proof.siblings.forEach((_, s) => {
        const siblings = proof.siblings.map((step, k) => (k === s ? { ...step, hash: flip(step.hash) } : step));
        expect(verifyProof(data[i], { siblings }, tree.root)).toBe(false);
        const swapped = proof.siblings.map((step, k) => (k === s ? { ...step, position: step.position === 'left' ? ('right' as const) : ('left' as const) } : step));
        expect(verifyProof(data[i], { siblings: swapped }, tree.root)).toBe(false);
      });
    }
  });

  it('an inner node cannot pass for a leaf (second-preimage)', () => {
    const data = leaves(4);
    const tree = MerkleTree.fromLeaves(data);
    const forged = Buffer.concat([hashLeaf(data[0]), hashLeaf(data[1])]);
    expect(verifyProof(forged, { siblings: [{ position: 'right', hash: hashNode(hashLeaf(data[2]), hashLeaf(data[3])) }] }, tree.root)).toBe(false);
  });

  it('refuses a proof for an index outside the tree', () => {
    expect(() => MerkleTree.fromLeaves(leaves(3)).proof(3)).toThrow('leaf index 3 is outside 0..2');
  });

  it('chains each root to the previous chained root, starting from 32 zero bytes', () => {
    const first = MerkleTree.fromLeaves(leaves(2)).root;
    const second = MerkleTree.fromLeaves(leaves(3)).root;
    const link1 = chainRoot(null, first);
    expect(link1).toEqual(sha(Buffer.from([2]), GENESIS_ROOT, first));
    expect(chainRoot(link1, second)).toEqual(sha(Buffer.from([2]), link1, second));
    expect(chainRoot(flip(link1), second)).not.toEqual(chainRoot(link1, second));
  });
});

describe('canonical leaves', () => {
  it('encodes a score leaf byte by byte as the README documents', () => {
    const bytes = encodeScoreLeaf({ competitionId: 'c', cycleTimeMs: 1_780_000_000_000, modelId: 'm7', windows: { steady: null, anchor: 0.5 } });
    const expected = Buffer.concat([
      Buffer.from([0x01]),
      Buffer.from([0, 0, 0, 1]), Buffer.from('c'),
      Buffer.from('0000019e70448800', 'hex'), // 1780000000000 ms
      Buffer.from([0, 0, 0, 2]), Buffer.from('m7'),
      Buffer.from([0, 0, 0, 2]),
      Buffer.from([0, 0, 0, 6]), Buffer.from('anchor'), Buffer.from([1]), Buffer.from('3fe0000000000000', 'hex'), // 0.5
      Buffer.from([0, 0, 0, 6]), Buffer.from('steady'), Buffer.from([0]), // null
    ]);
    expect(bytes.toString('hex')).toBe(expected.toString('hex'));
  });

  it('encodes a payout leaf byte by byte as the README documents', () => {
    const bytes = encodePayoutLeaf({ competitionId: 'c', checkpointId: 'k', modelId: 'm', horizon: 3600, rank: 2, amount: 1.5, decimals: 6, units: 1_500_000n });
    const expected = Buffer.concat([
      Buffer.from([0x02]),
      Buffer.from([0, 0, 0, 1]), Buffer.from('c'),
      Buffer.from([0, 0, 0, 1]), Buffer.from('k'),
      Buffer.from([0, 0, 0, 1]), Buffer.from('m'),
      Buffer.from('00000e10', 'hex'), // 3600
      Buffer.from('00000002', 'hex'),
      Buffer.from('3ff8000000000000', 'hex'), // 1.5
      Buffer.from([6]),
      Buffer.from([0, 0, 0, 7]), Buffer.from('1500000'),
    ]);
    expect(bytes.toString('hex')).toBe(expected.toString('hex'));
  });

  it('does not depend on the order of the windows, and writes -0 as 0', () => {
    const a = encodeScoreLeaf({ competitionId: 'c', cycleTimeMs: 1, modelId: 'm', windows: { b: 1, a: -0 } });
    const b = encodeScoreLeaf({ competitionId: 'c', cycleTimeMs: 1, modelId: 'm', windows: { a: 0, b: 1 } });
    expect(a).toEqual(b);
  });

  it('refuses values the encoding cannot carry', () => {
    const leaf = { competitionId: 'c', cycleTimeMs: 1, modelId: 'm', windows: { a: NaN } };
    expect(() => encodeScoreLeaf(leaf)).toThrow(LeafEncodingError);
    expect(() => encodeScoreLeaf({ ...leaf, windows: {}, cycleTimeMs: -1 })).toThrow('cycleTimeMs must be a safe integer >= 0');
    expect(() => encodePayoutLeaf({ competitionId: 'c', checkpointId: 'k', modelId: 'm', horizon: 1, rank: 0.5, amount: 1, decimals: 6, units: 1n })).toThrow('rank must be an integer');
  });
});

describe('proof documents', () => {
  const scores = Array.from({ length: 5 }, (_, i) => ({ competitionId: 'synth', cycleTimeMs: 1_780_000_000_000, modelId: `m${i}`, windows: { anchor: i / 7, recent: i === 2 ? null : -i } }));
  const docs = scores.map(scoreLeafDocument);
  const tree = MerkleTree.fromLeaves(docs.map(encodeLeafDocument));
  const previous = chainRoot(null, MerkleTree.fromLeaves(leaves(2)).root);

  it('re-encodes a leaf document to the very bytes of the leaf', () => {
    expect(encodeLeafDocument(docs[1])).toEqual(encodeScoreLeaf(scores[1]));
  });

  it('every document verifies; a changed score, sibling, root or chain link fails', () => {
    for (let i = 0; i < docs.length; i++) {
      const doc = proofDocument(docs[i], tree, i, previous);
      expect(verifyProofDocument(doc)).toEqual({ ok: true });
      const leaf = docs[i];
      if (leaf.kind !== 'score') throw new Error('score leaves only');
      const changedScore: ProofDocument = { ...doc, leaf: { ...leaf, windows: [{ name: 'anchor', value: 0.99 }, ...leaf.windows.slice(1)] } };
      expect(verifyProofDocument(changedScore)).toEqual({ ok: false, reason: 'leaf_hash does not match the leaf' });
      const changedSibling = { ...doc, siblings: doc.siblings.map((s, k) => (k === 0 ? { ...s, hash: flip(Buffer.from(s.hash, 'hex')).toString('hex') } : s)) };
      expect(verifyProofDocument(changedSibling)).toEqual({ ok: false, reason: 'the path does not lead to root' });
      expect(verifyProofDocument({ ...doc, root: flip(Buffer.from(doc.root, 'hex')).toString('hex') })).toEqual({ ok: false, reason: 'the path does not lead to root' });
      expect(verifyProofDocument({ ...doc, previous_root: null })).toEqual({ ok: false, reason: 'chained_root does not chain root to previous_root' });
    }
  });
});

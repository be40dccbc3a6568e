import { createHash } from 'node:crypto';

/** Domain-separation prefixes (as RFC 6962), so a leaf can never pass for an inner node. */
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);
const CHAIN_PREFIX = Buffer.from([0x02]);
/** The "previous root" of the first commitment of a chain. */
export const GENESIS_ROOT = Buffer.alloc(32);

export type Hash = Buffer;

export interface ProofStep {
  /** Where the sibling sits: `left` means parent = H(0x01 || sibling || current). */
  position: 'left' | 'right';
  hash: Hash;
}

export interface MerkleProof {
  leafIndex: number;
  leafCount: number;
  /** From the leaf's level up; a level where the node has no sibling (odd count) adds no step. */
  siblings: ProofStep[];
}

export function sha256(...parts: Uint8Array[]): Hash {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export function hashLeaf(leaf: Uint8Array): Hash {
  return sha256(LEAF_PREFIX, leaf);
}

export function hashNode(left: Hash, right: Hash): Hash {
  return sha256(NODE_PREFIX, left, right);
}

/**
 * Chains a tree root to the previous chained root: H(0x02 || previous || root), the first link
 * using 32 zero bytes. Changing any earlier commitment changes every later chained root.
 */
export function chainRoot(previous: Hash | null, root: Hash): Hash {
  return sha256(CHAIN_PREFIX, previous ?? GENESIS_ROOT, root);
}

/**
 * A SHA-256 Merkle tree. Leaves hash as H(0x00 || leaf), inner nodes as H(0x01 || left || right);
 * at each level nodes pair up left to right and an odd last node moves up unchanged (never
 * paired with a copy of itself, the Bitcoin pitfall). The root of no leaves is SHA-256 of nothing.
 *
 * @example
 *   const tree = MerkleTree.fromLeaves([encodeA, encodeB, encodeC]);
 *   const proof = tree.proof(2);
 *   verifyProof(encodeC, proof, tree.root); // true
 */
export class MerkleTree {
  private constructor(private readonly levels: Hash[][]) {}

  static fromLeaves(leaves: readonly Uint8Array[]): MerkleTree {
    const levels: Hash[][] = [leaves.map(hashLeaf)];
    while (levels[levels.length - 1].length > 1) {
      const below = levels[levels.length - 1];
      const above: Hash[] = [];
      for (let i = 0; i < below.length; i += 2) above.push(i + 1 < below.length ? hashNode(below[i], below[i + 1]) : below[i]);
      levels.push(above);
    }
    return new MerkleTree(levels);
  }

  get size(): number {
    return this.levels[0].length;
  }

  get root(): Hash {
    return this.size === 0 ? sha256() : this.levels[this.levels.length - 1][0];
  }

  leafHash(index: number): Hash {
    this.checkIndex(index);
    return this.levels[0][index];
  }

  proof(index: number): MerkleProof {
    this.checkIndex(index);
    const siblings: ProofStep[] = [];
    let at = index;
    for (let level = 0; level < this.levels.length - 1; level++) {
      const nodes = this.levels[level];
      const sibling = at ^ 1;
      if (sibling < nodes.length) siblings.push({ position: sibling < at ? 'left' : 'right', hash: nodes[sibling] });
      at >>= 1;
    }
    return { leafIndex: index, leafCount: this.size, siblings };
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`leaf index ${index} is outside 0..${this.size - 1}`);
  }
}

/** The root a proof leads to from a leaf (the caller compares it with the published root). */
export function rootFromProof(leaf: Uint8Array, proof: Pick<MerkleProof, 'siblings'>): Hash {
  let hash = hashLeaf(leaf);
  for (const step of proof.siblings) hash = step.position === 'left' ? hashNode(step.hash, hash) : hashNode(hash, step.hash);
  return hash;
}

/** True when the proof takes the leaf to `root` (a Buffer or a hex string). */
export function verifyProof(leaf: Uint8Array, proof: Pick<MerkleProof, 'siblings'>, root: Hash | string): boolean {
  const expected = typeof root === 'string' ? Buffer.from(root, 'hex') : root;
  if (expected.length !== 32) return false;
  if (proof.siblings.some((s) => s.hash.length !== 32)) return false;
  return rootFromProof(leaf, proof).equals(expected);
}

import type { ScoreLeaf } from './commitment-leaves';
import { encodeScoreLeaf } from './commitment-leaves';
import { chainRoot, Hash, MerkleTree } from './merkle-tree';

/** What a scoring cycle committed to: its tree root over one leaf per model, chained to the previous cycle's. */
export interface CycleCommitment {
  competitionId: string;
  cycleAt: Date;
  leafCount: number;
  /** Hex SHA-256 of the tree over the cycle's score leaves. */
  root: string;
  /** The previous cycle's chained root (hex); null for the competition's first cycle. */
  previousRoot: string | null;
  /** H(0x02 || previous || root), hex. */
  chainedRoot: string;
}

/** A model's windows as a cycle has them (a standing, or a snapshot read back). */
export interface CommittedStanding {
  modelId: string;
  windows: Readonly<Record<string, { value: number | null }>>;
}

/**
 * The score leaves of one cycle, one per model, in the order of the tree: by model id (UTF-8
 * bytes), so the server and anyone re-deriving the tree from the snapshots agree. (Two cycles run
 * at the same instant, as a test's virtual clock can, leave two snapshots of a model: those tie on
 * the id and are ordered by their encoded bytes.)
 *
 * @example
 *   cycleLeaves('synth', Date.UTC(2026, 0, 1), [{ modelId: 'b', windows: { anchor: { value: 0.2 } } }, { modelId: 'a', windows: {} }])
 *   // [{ modelId: 'a', ... }, { modelId: 'b', windows: { anchor: 0.2 }, ... }]
 */
export function cycleLeaves(competitionId: string, cycleTimeMs: number, standings: readonly CommittedStanding[]): ScoreLeaf[] {
  return standings
    .map((s) => ({
      competitionId,
      cycleTimeMs,
      modelId: s.modelId,
      // A non-finite value is stored as JSON null in the snapshot, so it is committed as null too.
      windows: Object.fromEntries(Object.entries(s.windows).map(([name, w]) => [name, typeof w.value === 'number' && Number.isFinite(w.value) ? w.value : null])),
    }))
    .map((leaf) => ({ leaf, id: Buffer.from(leaf.modelId, 'utf8'), bytes: encodeScoreLeaf(leaf) }))
    .sort((a, b) => Buffer.compare(a.id, b.id) || Buffer.compare(a.bytes, b.bytes))
    .map(({ leaf }) => leaf);
}

export function cycleTree(leaves: readonly ScoreLeaf[]): MerkleTree {
  return MerkleTree.fromLeaves(leaves.map(encodeScoreLeaf));
}

/** The commitment of a cycle over `standings`, chained after `previous` (hex or null). */
export function commitCycle(competitionId: string, cycleAt: Date, standings: readonly CommittedStanding[], previous: string | null): CycleCommitment {
  const tree = cycleTree(cycleLeaves(competitionId, cycleAt.getTime(), standings));
  return {
    competitionId,
    cycleAt,
    leafCount: tree.size,
    root: tree.root.toString('hex'),
    previousRoot: previous,
    chainedRoot: chainRoot(hexOrNull(previous), tree.root).toString('hex'),
  };
}

export function hexOrNull(hex: string | null): Hash | null {
  return hex === null ? null : Buffer.from(hex, 'hex');
}

import type { EntityManager } from 'typeorm';

/**
 * Lets the current transaction (a cycle's claim transaction) commit without waiting for its WAL
 * to reach the disk (`synchronous_commit = off` for this transaction only): 4 to 14 ms saved per
 * batch of 1,000 hourly predictions on PostgreSQL, on the cycle's critical path.
 *
 * Why it loses nothing: it matters only if the database server itself crashes (not when the
 * coordinator does), and then it can undo only the last transactions committed, never a gap,
 * each as a whole (the scores, the bucket increments and the coverage together). Their
 * predictions are unscored again and the next cycle scores them the same way. Before a cycle
 * publishes anything (snapshots and their Merkle root), it commits them synchronously, which
 * writes every earlier transaction's WAL to disk first.
 *
 * @example
 *   await dataSource.transaction(async (em) => { await commitWithoutWaitingForDisk(em); ... });
 */
export async function commitWithoutWaitingForDisk(em: EntityManager): Promise<void> {
  await em.query(`SET LOCAL synchronous_commit = off`);
}

import { PredictionRecord } from '../../src/predict/round/prediction-round';
import { PredictionInsertOutcome } from '../../src/predict/round/prediction-round.repository';
import { PredictionInsertStream } from '../../src/predict/round/prediction-insert-stream';

const prediction = (i: number): PredictionRecord => ({ id: `id-${i}`, modelId: `m${i}`, status: 'SUCCESS', execTimeUs: 1, payloadJson: '[1]', failureReason: null });

/** An insert the test completes by hand, batch by batch. */
class ManualInsert {
  readonly batches: string[][] = [];
  private finish: Array<(outcome: PredictionInsertOutcome | Error) => void> = [];

  readonly insert = (rows: PredictionRecord[]): Promise<PredictionInsertOutcome> => {
    this.batches.push(rows.map((r) => r.modelId));
    return new Promise((resolve, reject) => this.finish.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome))));
  };

  async complete(outcome: PredictionInsertOutcome | Error = { inserted: 0, rejectedPayloads: [] }): Promise<void> {
    this.finish.shift()!(outcome);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('PredictionInsertStream', () => {
  it('inserts once enough answers are queued, one insert at a time, the answers of the meantime in the next one', async () => {
    const db = new ManualInsert();
    const stream = new PredictionInsertStream(db.insert, { minRows: 2, maxRows: 3, maxChars: 1_000, maxInFlight: 1 });
    stream.add(prediction(0));
    expect(db.batches).toEqual([]);
    stream.add(prediction(1));
    expect(db.batches).toEqual([['m0', 'm1']]);
    for (let i = 2; i < 7; i++) stream.add(prediction(i));
    expect(db.batches).toHaveLength(1); // still writing the first
    await db.complete();
    expect(db.batches[1]).toEqual(['m2', 'm3', 'm4']); // at most maxRows
    await db.complete({ inserted: 2, rejectedPayloads: ['m3'] });
    expect(db.batches[2]).toEqual(['m5', 'm6']);
    stream.add(prediction(7)); // below minRows: waits
    const finished = stream.finish([prediction(8)]);
    await db.complete();
    expect(db.batches[3]).toEqual(['m7', 'm8']); // finishing: whatever is queued
    await db.complete();
    const { storedModelIds, rejectedPayloads } = await finished;
    expect([...storedModelIds].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
    expect(rejectedPayloads).toEqual(['m3']);
  });

  it('encodes and sends the next batch while PostgreSQL writes one (two in flight)', async () => {
    const db = new ManualInsert();
    const stream = new PredictionInsertStream(db.insert, { minRows: 2, maxRows: 2, maxChars: 1_000, maxInFlight: 2 });
    for (let i = 0; i < 7; i++) stream.add(prediction(i));
    expect(db.batches).toEqual([['m0', 'm1'], ['m2', 'm3']]);
    await db.complete();
    expect(db.batches[2]).toEqual(['m4', 'm5']);
    const finished = stream.finish();
    await db.complete();
    expect(db.batches[3]).toEqual(['m6']);
    await db.complete();
    await db.complete();
    expect((await finished).storedModelIds.size).toBe(7);
  });

  it('keeps each insert under maxChars of payload, so one encoding never holds the event loop long', async () => {
    const db = new ManualInsert();
    const stream = new PredictionInsertStream(db.insert, { minRows: 1, maxRows: 100, maxChars: 10, maxInFlight: 1 });
    const sized = (i: number, chars: number) => ({ ...prediction(i), payloadJson: 'x'.repeat(chars) });
    stream.add(sized(0, 30)); // above maxChars alone: sent alone
    for (const [i, chars] of [[1, 4], [2, 4], [3, 4], [4, 20]]) stream.add(sized(i, chars));
    await db.complete();
    expect(db.batches[1]).toEqual(['m1', 'm2']); // 8 characters; the third would make 12
    await db.complete();
    expect(db.batches[2]).toEqual(['m3']);
    await db.complete();
    expect(db.batches[3]).toEqual(['m4']);
  });

  it('stops at the first failed insert: that batch and the rest are left to the round', async () => {
    const db = new ManualInsert();
    const stream = new PredictionInsertStream(db.insert, { minRows: 1, maxRows: 2, maxChars: 1_000, maxInFlight: 1 });
    stream.add(prediction(0));
    stream.add(prediction(1));
    await db.complete(); // m0 stored, m1 sent next
    stream.add(prediction(2));
    await db.complete(Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' }));
    stream.add(prediction(3));
    const { storedModelIds } = await stream.finish([prediction(4)]);
    expect(db.batches).toEqual([['m0'], ['m1']]);
    expect([...storedModelIds]).toEqual(['m0']);
  });

  it('finishes at once when nothing is left to write, and takes nothing after', async () => {
    const db = new ManualInsert();
    const stream = new PredictionInsertStream(db.insert, { minRows: 5, maxRows: 10, maxChars: 1_000, maxInFlight: 2 });
    expect((await stream.finish()).storedModelIds.size).toBe(0);
    for (let i = 1; i < 10; i++) stream.add(prediction(i));
    expect(db.batches).toEqual([]);
  });
});

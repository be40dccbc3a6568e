import type { PredictionRecord } from './prediction-round';
import type { PredictionInsertOutcome } from './prediction-round.repository';

/** How a stream batches its inserts. */
export interface PredictionStreamBatches {
  /** Answers queued before an insert starts while the calls are in flight: a smaller one costs a round trip for little. */
  minRows: number;
  /** Rows per insert at most. */
  maxRows: number;
  /**
   * Payload characters per insert at most. An insert encodes its rows in one synchronous run
   * (about 25 ns a character: 115 us for 60 normals, 575 us for 60 two-normal mixtures), which
   * holds up the answers and deadlines of the calls still in flight: 2,000,000 keep that near 50 ms.
   */
  maxChars: number;
  /** Inserts in flight at once: with two, the next batch is encoded while PostgreSQL writes one. */
  maxInFlight: number;
}

const DEFAULT_BATCHES: PredictionStreamBatches = { minRows: 200, maxRows: 1_000, maxChars: 2_000_000, maxInFlight: 2 };

/** What a stream stored. */
export interface StreamedPredictions {
  /** Models whose prediction is in the database (as given, or as FAILED when its payload was refused). */
  storedModelIds: ReadonlySet<string>;
  /** Of those, the models whose payload PostgreSQL refused (stored as FAILED). */
  rejectedPayloads: string[];
}

/**
 * The predictions of a claimed round, inserted in batches while the round's other calls are
 * still in flight, so that a round takes about the longer of its calls and its inserts rather
 * than their sum (10,000 models: a 2.6 s call and a 1.5 s store, one after the other before).
 * Answers that arrive while inserts run go in the next batch.
 *
 * A stream only inserts: the round's store afterwards inserts every prediction the stream has
 * not stored (all of them when it failed), with its retries, its outage buffer and its counts,
 * and meets there any error the stream met. The first failed insert stops the stream (a lost
 * database connection, most often).
 *
 * @example
 *   const stream = new PredictionInsertStream((rows) => rounds.insertPredictions(round, config, rows));
 *   await caller.call('predict', args, { onResult: (result) => stream.add(predictionOf(result)) });
 *   const { storedModelIds } = await stream.finish(absentPredictions); // the round's store inserts the others
 */
export class PredictionInsertStream {
  private readonly queued: PredictionRecord[] = [];
  private readonly storedModelIds = new Set<string>();
  private readonly rejectedPayloads: string[] = [];
  private inFlight = 0;
  private failed = false;
  private finishing = false;
  private idle: (() => void) | null = null;

  constructor(
    private readonly insert: (rows: PredictionRecord[]) => Promise<PredictionInsertOutcome>,
    private readonly batches: PredictionStreamBatches = DEFAULT_BATCHES,
  ) {}

  /** Queues one prediction; starts an insert when enough are queued and there is room for one. */
  add(prediction: PredictionRecord): void {
    if (this.failed || this.finishing) return;
    this.queued.push(prediction);
    this.startInserts();
  }

  /** Queues the last predictions and waits until all are stored, or the stream has failed. */
  finish(last: readonly PredictionRecord[] = []): Promise<StreamedPredictions> {
    if (!this.failed && !this.finishing) this.queued.push(...last);
    this.finishing = true;
    this.startInserts();
    const done = (): StreamedPredictions => ({ storedModelIds: this.storedModelIds, rejectedPayloads: this.rejectedPayloads });
    if (this.inFlight === 0) return Promise.resolve(done());
    return new Promise((resolve) => (this.idle = () => resolve(done())));
  }

  private startInserts(): void {
    const minRows = this.finishing ? 1 : this.batches.minRows;
    while (!this.failed && this.inFlight < this.batches.maxInFlight && this.queued.length >= minRows) {
      void this.write(this.nextBatch());
    }
  }

  /** The oldest queued rows, up to maxRows and maxChars (one row at least). */
  private nextBatch(): PredictionRecord[] {
    let rows = 0;
    let chars = 0;
    while (rows < this.queued.length && rows < this.batches.maxRows) {
      chars += this.queued[rows].payloadJson?.length ?? 0;
      if (rows > 0 && chars > this.batches.maxChars) break;
      rows++;
    }
    return this.queued.splice(0, rows);
  }

  private async write(rows: PredictionRecord[]): Promise<void> {
    this.inFlight++;
    try {
      const outcome = await this.insert(rows);
      for (const row of rows) this.storedModelIds.add(row.modelId);
      this.rejectedPayloads.push(...outcome.rejectedPayloads);
    } catch {
      this.failed = true; // these rows and the queued ones are left to the round's store, which meets the error again
    } finally {
      this.inFlight--;
    }
    this.startInserts();
    if (this.inFlight === 0 && this.finishing && this.idle) this.idle();
  }
}

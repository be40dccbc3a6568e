import type { PredictionRecord } from './prediction-round';
import type { PredictionInsertOutcome } from './prediction-round.repository';

/** How a stream batches its inserts. */
export interface PredictionStreamBatches {
  /** Answers queued before an insert starts: a smaller one costs a round trip for little. */
  minRows: number;
  /**
   * Rows per insert at most. An insert encodes its rows in one synchronous run (about 100 us a
   * row for the hourly payload), which holds up the answers and deadlines of the calls still in
   * flight: 1,000 rows keep that under about 0.1 s.
   */
  maxRows: number;
}

const DEFAULT_BATCHES: PredictionStreamBatches = { minRows: 200, maxRows: 1_000 };

/** What a stream stored before it was closed. */
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
 * One insert runs at a time; answers that arrive meanwhile go in the next one.
 *
 * It only ever inserts early: the round's own store afterwards inserts every prediction the
 * stream has not stored (the ABSENT rows, the last answers, and all of a batch that failed),
 * with its retries, its outage buffer and its counts, and meets there any error the stream met.
 * The first failure stops the stream (a lost database connection, most often).
 *
 * @example
 *   const stream = new PredictionInsertStream((rows) => rounds.insertPredictions(round, config, rows));
 *   await caller.call('predict', args, { onResult: (result) => stream.add(predictionOf(result)) });
 *   const { storedModelIds } = await stream.close(); // insert the rest
 */
export class PredictionInsertStream {
  private readonly queued: PredictionRecord[] = [];
  private readonly storedModelIds = new Set<string>();
  private readonly rejectedPayloads: string[] = [];
  private writing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly insert: (rows: PredictionRecord[]) => Promise<PredictionInsertOutcome>,
    private readonly batches: PredictionStreamBatches = DEFAULT_BATCHES,
  ) {}

  /** Queues one prediction; starts an insert when enough are queued and none is running. */
  add(prediction: PredictionRecord): void {
    if (this.stopped) return;
    this.queued.push(prediction);
    if (this.writing === null && this.queued.length >= this.batches.minRows) this.writing = this.writeQueued();
  }

  /** Takes no more predictions, waits for the insert running, and says what is stored. */
  async close(): Promise<StreamedPredictions> {
    this.stopped = true;
    await this.writing;
    return { storedModelIds: this.storedModelIds, rejectedPayloads: this.rejectedPayloads };
  }

  private async writeQueued(): Promise<void> {
    while (!this.stopped && this.queued.length >= this.batches.minRows) {
      const rows = this.queued.splice(0, this.batches.maxRows);
      try {
        const outcome = await this.insert(rows);
        for (const row of rows) this.storedModelIds.add(row.modelId);
        this.rejectedPayloads.push(...outcome.rejectedPayloads);
      } catch {
        // Left to the round's store, which inserts these rows again and handles the error.
        this.stopped = true;
      }
    }
    this.writing = null;
  }
}

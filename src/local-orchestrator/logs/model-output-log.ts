/**
 * The recent output (stdout and stderr lines) of every model process, kept in memory for the
 * orchestrator API's log tail: at most `maxLines` per model (oldest dropped), each line cut at
 * `maxLineLength`. The full output also goes to the orchestrator's log.
 *
 * @example
 *   log.append('7', 'stderr', 'Traceback (most recent call last):');
 *   log.tail('7', 100); // [{ at, stream: 'stderr', line: 'Traceback ...' }]
 */
export interface ModelOutputLine {
  at: Date;
  stream: 'stdout' | 'stderr' | 'orchestrator';
  line: string;
}

export class ModelOutputLog {
  private readonly lines = new Map<string, ModelOutputLine[]>();

  constructor(
    private readonly maxLines = 1_000,
    private readonly maxLineLength = 2_000,
  ) {}

  append(modelId: string, stream: ModelOutputLine['stream'], line: string): void {
    let lines = this.lines.get(modelId);
    if (!lines) this.lines.set(modelId, (lines = []));
    lines.push({ at: new Date(), stream, line: line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)}...` : line });
    if (lines.length > this.maxLines) lines.splice(0, lines.length - this.maxLines);
  }

  /** The newest `count` lines of a model, oldest first. */
  tail(modelId: string, count: number): ModelOutputLine[] {
    const lines = this.lines.get(modelId) ?? [];
    return lines.slice(Math.max(0, lines.length - count));
  }

  forget(modelId: string): void {
    this.lines.delete(modelId);
  }
}

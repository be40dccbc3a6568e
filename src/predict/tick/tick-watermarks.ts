/**
 * Per model: which deployment was last ticked successfully, and up to which data time (ms).
 * A model with no mark, or whose deployment changed, gets the history window next.
 *
 * @example
 *   marks.record('m1', 'm1_20260101_000000_000', 1_767_225_600_000);
 *   marks.sinceFor('m1', 'm1_20260101_000000_000'); // 1767225600000
 *   marks.sinceFor('m1', 'm1_20260102_000000_000'); // undefined: redeployed, send history
 */
export class TickWatermarks {
  private readonly marks = new Map<string, { deploymentId: string; throughMs: number }>();

  /** Data time after which this deployment still needs points; undefined = send the history window. */
  sinceFor(modelId: string, deploymentId: string): number | undefined {
    const mark = this.marks.get(modelId);
    return mark && mark.deploymentId === deploymentId ? mark.throughMs : undefined;
  }

  record(modelId: string, deploymentId: string, throughMs: number): void {
    this.marks.set(modelId, { deploymentId, throughMs });
  }

  /** Forgets models no longer running (they get the history again if they come back). */
  keepOnly(modelIds: ReadonlySet<string>): void {
    for (const id of this.marks.keys()) if (!modelIds.has(id)) this.marks.delete(id);
  }

  get size(): number {
    return this.marks.size;
  }
}

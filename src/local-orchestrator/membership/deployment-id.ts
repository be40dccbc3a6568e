/**
 * Names deployments `{model_id}_{YYYYmmdd_HHMMSS_mmm}` (UTC), as the orchestrator does.
 * Two deployments of one model within the same millisecond get the next free millisecond,
 * so every (re)start has a distinct id.
 *
 * @example
 *   new DeploymentIdIssuer(() => Date.UTC(2026, 0, 2, 3, 4, 5, 6)).next('42'); // '42_20260102_030405_006'
 */
export class DeploymentIdIssuer {
  private readonly lastMsByModel = new Map<string, number>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  next(modelId: string): string {
    const last = this.lastMsByModel.get(modelId) ?? -Infinity;
    const ms = Math.max(this.nowMs(), last + 1);
    this.lastMsByModel.set(modelId, ms);
    return `${modelId}_${formatUtcMillis(ms)}`;
  }
}

function formatUtcMillis(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `${date}_${time}_${pad(d.getUTCMilliseconds(), 3)}`;
}

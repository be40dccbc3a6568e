import type { PredictionConfig } from '../../competition/prediction-config';

/** When a config's rounds happen: every `everyMs`, at `offsetMs` past each epoch-aligned multiple. */
export interface RoundSlot {
  config: PredictionConfig;
  everyMs: number;
  offsetMs: number;
}

/**
 * The round-robin schedule: within a group, the n active configs ordered by `order` are spread
 * evenly over the interval, config k running at times t where (t - k * interval / n) is a
 * multiple of interval (epoch-aligned), so one asset is predicted every interval / n seconds.
 * Configs of a group with different intervals each use their own interval for their offset.
 *
 * @example
 *   // hourly group, interval 720 s, BTC ETH SOL XAU: offsets 0, 180, 360, 540 s
 *   roundSlots(configs).map((s) => s.offsetMs); // [0, 180000, 360000, 540000]
 */
export function roundSlots(configs: readonly PredictionConfig[]): RoundSlot[] {
  const groups = new Map<string, PredictionConfig[]>();
  for (const config of configs) {
    if (!config.active) continue;
    const members = groups.get(config.group) ?? [];
    members.push(config);
    groups.set(config.group, members);
  }
  const slots: RoundSlot[] = [];
  for (const members of groups.values()) {
    members.sort((a, b) => a.order - b.order || a.asset.localeCompare(b.asset) || a.horizon - b.horizon || a.step - b.step);
    members.forEach((config, k) => {
      const everyMs = config.interval * 1000;
      slots.push({ config, everyMs, offsetMs: Math.floor((k * everyMs) / members.length) });
    });
  }
  return slots;
}

/** The first slot time strictly after `nowMs`. */
export function nextRoundAt(slot: Pick<RoundSlot, 'everyMs' | 'offsetMs'>, nowMs: number): number {
  return Math.floor((nowMs - slot.offsetMs) / slot.everyMs) * slot.everyMs + slot.everyMs + slot.offsetMs;
}

/** The latest slot time at or before `nowMs`. */
export function previousRoundAt(slot: Pick<RoundSlot, 'everyMs' | 'offsetMs'>, nowMs: number): number {
  return Math.floor((nowMs - slot.offsetMs) / slot.everyMs) * slot.everyMs + slot.offsetMs;
}

/**
 * Slot times after `lastRanMs` up to `nowMs` included that did not run (e.g. while the process
 * was down). The scheduler's next run is strictly after now, so a slot at exactly now is missed too.
 */
export function missedRounds(slot: Pick<RoundSlot, 'everyMs' | 'offsetMs'>, lastRanMs: number, nowMs: number): number {
  const previous = previousRoundAt(slot, nowMs);
  if (previous <= lastRanMs) return 0;
  return Math.floor((previous - lastRanMs) / slot.everyMs);
}

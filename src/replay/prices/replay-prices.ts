import type { FeedRecord } from '../../data-source/feed';

/** One price of a subject at `ts` (epoch ms): what a replay feeds its competition, oldest first. */
export interface PricePoint {
  ts: number;
  price: number;
}

/**
 * The prices a replay reveals to its competition, per subject and sorted by time. The replay's feed
 * only ever asks for ranges ending at the virtual clock's "now", so the future stays hidden.
 *
 * @example
 *   const prices = new ReplayPrices(new Map([['BTC', [{ ts: 0, price: 60000 }, { ts: 60_000, price: 60010 }]]]));
 *   prices.records('BTC', 0, 30_000, 'price'); // [{ subject: 'BTC', ts: 0, values: { price: 60000 } }]
 */
export class ReplayPrices {
  private readonly bySubject: Map<string, PricePoint[]>;

  constructor(points: Map<string, PricePoint[]>) {
    this.bySubject = new Map([...points].map(([subject, list]) => [subject, [...list].sort((a, b) => a.ts - b.ts)]));
  }

  subjects(): string[] {
    return [...this.bySubject.keys()].sort();
  }

  count(): number {
    let n = 0;
    for (const list of this.bySubject.values()) n += list.length;
    return n;
  }

  /** The points of `subject` with `fromMs <= ts <= toMs`. */
  between(subject: string, fromMs: number, toMs: number): PricePoint[] {
    const list = this.bySubject.get(subject) ?? [];
    const start = firstAtOrAfter(list, fromMs);
    const end = firstAtOrAfter(list, toMs + 1);
    return list.slice(start, end);
  }

  /** Feed records of `subject` in the range, the price under `valueField` (the competition's `tick.valueField`). */
  records(subject: string, fromMs: number, toMs: number, valueField: string): FeedRecord[] {
    return this.between(subject, fromMs, toMs).map((p) => ({ subject, ts: p.ts, values: { [valueField]: p.price } }));
  }

  /** Subjects among `wanted` with no price in `[fromMs, toMs]`: a replay of them would score nothing. */
  missingIn(wanted: readonly string[], fromMs: number, toMs: number): string[] {
    return wanted.filter((subject) => this.between(subject, fromMs, toMs).length === 0);
  }

  /** Every point of every subject, subject then time order (the price file a replay writes). */
  *all(): Generator<{ subject: string } & PricePoint> {
    for (const subject of this.subjects()) for (const p of this.bySubject.get(subject)!) yield { subject, ...p };
  }
}

function firstAtOrAfter(list: readonly PricePoint[], ts: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

import { Logger } from '@nestjs/common';
import type { FeedRecord } from './feed';

export interface ValidationRules {
  /** The competition's value field (`tick.valueField`): must be present, finite and, for prices, > 0. */
  valueField: string;
  /** Prices are positive; other kinds of values (returns, flows) may be zero or negative. */
  requirePositive: boolean;
  /** Subjects the competition wants; records for others are ignored without noise. */
  subjects: ReadonlySet<string>;
  /** Records stamped later than this (epoch ms) are rejected as coming from the future. */
  latestAcceptableTs: number;
}

export interface ValidationResult {
  kept: FeedRecord[];
  skipped: number;
}

/** At most this many skipped-record lines per batch; the rest are summed up in one line. */
const MAX_LINES_PER_BATCH = 20;

/**
 * Keeps the good records of a batch and logs each bad one (with the source and its position in
 * the batch) instead of failing the batch: one broken price must not cost the other thousand.
 *
 * @example
 *   const { kept } = validator.validate(page, rules, 'BTC page 3');
 */
export class FeedRecordValidator {
  private readonly logger: Logger;

  constructor(private readonly source: string) {
    this.logger = new Logger(`Feed:${source}`);
  }

  validate(records: readonly FeedRecord[], rules: ValidationRules, batchLabel: string): ValidationResult {
    const kept: FeedRecord[] = [];
    const lastTs = new Map<string, number>();
    let skipped = 0;
    const skip = (index: number, reason: string) => {
      skipped++;
      if (skipped <= MAX_LINES_PER_BATCH) {
        this.logger.warn(`source ${this.source}: skipped record ${index} of ${batchLabel}: ${reason}`);
      }
    };
    records.forEach((record, index) => {
      const problem = this.problemWith(record, rules);
      if (problem === 'unwanted-subject') return;
      if (problem) return skip(index, problem);
      const previous = lastTs.get(record.subject);
      if (previous !== undefined && record.ts === previous) return skip(index, `duplicate timestamp ${iso(record.ts)} for ${record.subject}`);
      if (previous !== undefined && record.ts < previous) {
        return skip(index, `out-of-order timestamp ${iso(record.ts)} after ${iso(previous)} for ${record.subject}`);
      }
      lastTs.set(record.subject, record.ts);
      kept.push(record);
    });
    if (skipped > MAX_LINES_PER_BATCH) {
      this.logger.warn(`source ${this.source}: skipped ${skipped} records of ${batchLabel} in total (first ${MAX_LINES_PER_BATCH} logged)`);
    }
    return { kept, skipped };
  }

  private problemWith(record: FeedRecord, rules: ValidationRules): string | null | 'unwanted-subject' {
    if (record === null || typeof record !== 'object') return `not a record (${typeof record})`;
    if (typeof record.subject !== 'string' || record.subject === '') return `missing subject`;
    if (!rules.subjects.has(record.subject)) return 'unwanted-subject';
    if (typeof record.ts !== 'number' || !Number.isFinite(record.ts) || record.ts <= 0) {
      return `invalid timestamp ${JSON.stringify(record.ts)} for ${record.subject}`;
    }
    if (record.ts > rules.latestAcceptableTs) return `timestamp ${iso(record.ts)} is in the future for ${record.subject}`;
    if (record.values === null || typeof record.values !== 'object') return `missing values for ${record.subject} at ${iso(record.ts)}`;
    if (!(rules.valueField in record.values)) {
      return `missing value field "${rules.valueField}" for ${record.subject} at ${iso(record.ts)} (fields: ${Object.keys(record.values).join(', ') || 'none'})`;
    }
    for (const [field, value] of Object.entries(record.values)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return `non-numeric ${field}=${typeof value === 'number' ? String(value) : JSON.stringify(value)} for ${record.subject} at ${iso(record.ts)}`;
      }
    }
    const value = record.values[rules.valueField];
    if (rules.requirePositive && value <= 0) return `${rules.valueField}=${value} is not a positive price for ${record.subject} at ${iso(record.ts)}`;
    return null;
  }
}

function iso(ts: number): string {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? String(ts) : date.toISOString();
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import { IsIdentifier, ToTrimmed } from '../../report/query/query-values';

/** The longest range one backfill may ask for: a week of minute records is ~10,000 per subject, fetched and stored within the request. */
export const MAX_BACKFILL_DAYS = 7;

/** An instant with its zone (`Z` or `+02:00`): without one, the server's local time would decide. */
const WITH_ZONE = /(Z|[+-]\d{2}:?\d{2})$/;

/** `POST /admin/feed/backfill`. */
export class FeedBackfillBody {
  @ApiPropertyOptional({ example: 'BTC', description: "One of the competition's subjects; absent: every subject." })
  @ToTrimmed()
  @IsOptional()
  @IsIdentifier()
  subject?: string;

  @ApiProperty({ example: '2026-01-01T00:00:00Z', description: 'Start of the range (ISO-8601 with a time zone), inclusive.' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(WITH_ZONE, { message: 'from must name its time zone (Z or +hh:mm)' })
  from!: string;

  @ApiProperty({ example: '2026-01-01T06:00:00Z', description: `End of the range, inclusive; after \`from\`, at most ${MAX_BACKFILL_DAYS} days later, not in the future.` })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(WITH_ZONE, { message: 'to must name its time zone (Z or +hh:mm)' })
  to!: string;
}

export class SubjectBackfillDto {
  @ApiProperty({ example: 'BTC' }) subject!: string;
  @ApiProperty({ description: 'Records the feed returned for the range.' }) fetched!: number;
  @ApiProperty({ description: 'Records that failed validation (logged with their position).' }) skipped!: number;
  @ApiProperty({ description: 'Records newly stored; the others were already stored (same source, subject, kind, granularity and ts).' }) stored!: number;
}

export class FeedBackfillDto {
  @ApiProperty({ example: 'pyth-benchmarks' }) source!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [SubjectBackfillDto] }) subjects!: SubjectBackfillDto[];
  @ApiProperty({ description: 'Records newly stored, over every subject.' }) stored!: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsDefined, IsIn, IsOptional } from 'class-validator';
import { IsIsoTimestamp } from '../query/iso-timestamp';
import { IsIdentifier, ToList, ToTrimmed } from '../query/query-values';

/** Longest range one download covers: a month of one-minute prices is ~45,000 rows per subject. */
export const PRICE_DOWNLOAD_MAX_RANGE_DAYS = 31;
/** Subjects one download may name (the Synth game has 12 assets). */
export const PRICE_DOWNLOAD_MAX_SUBJECTS = 20;
/** Rows one download may hold, checked with one count before the first byte is sent. */
export const PRICE_DOWNLOAD_MAX_ROWS = 2_000_000;
/** Rows read from the database at a time (and the size of a Parquet row group). */
export const PRICE_DOWNLOAD_PAGE_ROWS = 5_000;

export const PRICE_FILE_FORMATS = ['csv', 'parquet'] as const;
export type PriceFileFormat = (typeof PRICE_FILE_FORMATS)[number];

/**
 * `GET /data/prices`: the stored feed records of one or more subjects over an inclusive range.
 *
 * @example
 *   GET /data/prices?subject=BTC,ETH&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&format=csv
 */
export class PriceDownloadQuery {
  @ApiProperty({
    type: [String],
    description:
      `Subjects (assets) of the competition's feed: one, comma-separated (?subject=BTC,ETH) or repeated. At most ${PRICE_DOWNLOAD_MAX_SUBJECTS}. ` +
      'A subject the feed does not provide answers 404; a known subject without records in the range just adds no rows.',
    example: ['BTC'],
  })
  @ToList()
  @IsDefined({ message: '$property is required (a subject such as BTC, or several comma-separated)' })
  @IsArray({ message: '$property must be a list of subjects' })
  @ArrayNotEmpty({ message: '$property must name at least one subject' })
  @ArrayMaxSize(PRICE_DOWNLOAD_MAX_SUBJECTS, { message: `$property accepts at most ${PRICE_DOWNLOAD_MAX_SUBJECTS} subjects` })
  @IsIdentifier({ each: true, message: '$property must contain subjects of at most 256 printable characters' })
  subject!: string[];

  @ApiProperty({ description: 'Inclusive lower bound, ISO-8601 (no zone = UTC).', example: '2026-01-01T00:00:00Z' })
  @ToTrimmed()
  @IsDefined({ message: '$property is required (ISO-8601 datetime)' })
  @IsIsoTimestamp()
  from!: string;

  @ApiProperty({ description: `Inclusive upper bound, ISO-8601 (no zone = UTC); at most ${PRICE_DOWNLOAD_MAX_RANGE_DAYS} days after from.`, example: '2026-01-02T00:00:00Z' })
  @ToTrimmed()
  @IsDefined({ message: '$property is required (ISO-8601 datetime)' })
  @IsIsoTimestamp()
  to!: string;

  @ApiPropertyOptional({
    enum: PRICE_FILE_FORMATS,
    default: 'csv',
    description:
      'csv: header `subject,ts,price`, ts in epoch seconds (UTC), price = the competition\'s tick value field; rows ordered by subject (as listed, duplicates dropped) then ts. ' +
      `parquet: the same columns (subject UTF8, ts INT64 TIMESTAMP_MILLIS UTC, price DOUBLE), one row group per ${PRICE_DOWNLOAD_PAGE_ROWS} rows.`,
  })
  @ToTrimmed()
  @IsOptional()
  @IsIn(PRICE_FILE_FORMATS, { message: `$property must be one of ${PRICE_FILE_FORMATS.join(', ')}` })
  format?: PriceFileFormat;
}

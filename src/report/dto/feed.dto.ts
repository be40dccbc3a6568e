import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsIdentifier, ToInteger, ToTrimmed } from '../query/query-values';

export const FEED_TAIL_DEFAULT_LIMIT = 20;
export const FEED_TAIL_MAX_LIMIT = 200;

/** `GET /reports/feeds`: what the data source has stored per feed series. */
export class FeedSeriesDto {
  @ApiProperty({ example: 'synthetic' }) source!: string;
  @ApiProperty({ example: 'BTC' }) subject!: string;
  @ApiProperty({ example: 'price' }) kind!: string;
  @ApiProperty({ example: '60s', description: 'As stored by the data source (may be empty).' }) granularity!: string;
  @ApiProperty({ example: 10080 }) record_count!: number;
  @ApiProperty({ type: String, nullable: true, example: '2025-01-01T00:00:00.000Z' }) oldest_ts!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-01-08T00:00:00.000Z' }) newest_ts!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-01-08T00:00:00.000Z', description: 'The ingestion watermark in event time: the newest stored record, from which the data source resumes.' })
  watermark_ts!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2025-01-08T00:00:03.000Z', description: 'When the watermark last moved: the newest arrival (wall-clock time).' })
  watermark_updated_at!: string | null;
}

export class FeedTailQuery {
  @ApiPropertyOptional({ example: 'synthetic' }) @ToTrimmed() @IsOptional() @IsIdentifier() source?: string;
  @ApiPropertyOptional({ example: 'BTC' }) @ToTrimmed() @IsOptional() @IsIdentifier() subject?: string;
  @ApiPropertyOptional({ example: 'price' }) @ToTrimmed() @IsOptional() @IsIdentifier() kind?: string;
  @ApiPropertyOptional({ example: '60s', description: 'Exact stored granularity; omit to match any.' })
  @ToTrimmed()
  @IsOptional()
  @IsIdentifier()
  granularity?: string;

  @ApiPropertyOptional({ description: `Newest records to return (1..${FEED_TAIL_MAX_LIMIT}), listed oldest first.`, default: FEED_TAIL_DEFAULT_LIMIT, minimum: 1, maximum: FEED_TAIL_MAX_LIMIT })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(FEED_TAIL_MAX_LIMIT)
  limit?: number;
}

export class FeedRecordDto {
  @ApiProperty({ example: 'synthetic' }) source!: string;
  @ApiProperty({ example: 'BTC' }) subject!: string;
  @ApiProperty({ example: 'price' }) kind!: string;
  @ApiProperty({ example: '60s' }) granularity!: string;
  @ApiProperty({ example: '2025-01-01T00:01:00.000Z', description: 'Event time of the record.' }) ts_event!: string;
  @ApiProperty({ example: '2025-01-01T00:01:02.000Z', description: 'When the data source stored it.' }) ts_ingested!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { price: 60012.5 } }) values!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, example: {}, description: 'Per-record metadata; this node stores none, so always {}.' }) meta!: Record<string, unknown>;
  @ApiProperty({ example: '2025-01-01T00:01:00.000Z', description: 'Alias of ts_event (earlier name).' }) ts!: string;
  @ApiProperty({ example: '2025-01-01T00:01:02.000Z', description: 'Alias of ts_ingested (earlier name).' }) received_at!: string;
}

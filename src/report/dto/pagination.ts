import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ToInteger } from '../query/query-values';

/** Offset paging of lists ordered by a stable key; the next page's offset is in `X-Next-Offset`. */
export class OffsetPageQuery {
  @ApiPropertyOptional({ description: 'Rows to skip (stable order). The next page offset is sent in the X-Next-Offset header.', default: 0, minimum: 0, maximum: 1_000_000 })
  @ToInteger()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

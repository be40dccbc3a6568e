import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { COLUMN_FORMAT } from '../../config/competition/report-layout.reader';
import { IsChartConfiguration, IsColumnConfiguration } from '../layout/native-configuration';

export const COLUMN_TYPES = ['PROJECT', 'VALUE', 'USERNAME', 'REWARD_RANK'] as const;
export const WIDGET_TYPES = ['CHART', 'IFRAME'] as const;
const PROPERTY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const ENDPOINT_URL = /^(\/[A-Za-z0-9_\-./]{0,200}|https?:\/\/\S{1,2000})$/;

/**
 * A leaderboard column as the ecosystem's web app reads it (`LeaderboardColumn`): each leaderboard
 * row is read as `row[property]`. Sent without `id` to create one.
 */
export class LeaderboardColumnInput {
  @ApiProperty({ enum: COLUMN_TYPES, example: 'VALUE' })
  @IsIn(COLUMN_TYPES)
  type!: (typeof COLUMN_TYPES)[number];

  @ApiProperty({ example: 'score_anchor', description: 'Field of each GET /reports/leaderboard row this column shows.' })
  @IsString()
  @Matches(PROPERTY, { message: '$property must be a row field name (letters, digits, _ . -; at most 64, not starting with a digit)' })
  property!: string;

  @ApiProperty({ type: String, nullable: true, example: 'decimal-4', description: 'percentage, integer, compact, number, decimal-N, or null (shown as is).' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @Matches(COLUMN_FORMAT, { message: '$property must be percentage, integer, compact, number, decimal-N or null' })
  format!: string | null;

  @ApiProperty({ example: 'Anchor (1h)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Mean score over the last hour; higher is better.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  tooltip!: string | null;

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, example: { type: 'model', statusProperty: 'status' }, description: '{type: "model", statusProperty?} or {type: "gauge", percentage?, seriesConfig?: [{name?, color?, label?}]} or null.' })
  @IsOptional()
  @IsColumnConfiguration()
  nativeConfiguration!: Record<string, unknown> | null;

  @ApiProperty({ example: 40, description: 'Columns are shown by increasing order.' })
  @IsInt()
  @Min(-1000)
  @Max(100_000)
  order!: number;
}

export class LeaderboardColumnDto extends LeaderboardColumnInput {
  @ApiProperty({ example: 5, description: 'Numeric id, unique within the layout.' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  id!: number;
}

/** A chart or iframe widget as the web app reads it (`Widget`). Sent without `id` to create one. */
export class MetricsWidgetInput {
  @ApiProperty({ enum: WIDGET_TYPES, example: 'CHART' })
  @IsIn(WIDGET_TYPES)
  type!: (typeof WIDGET_TYPES)[number];

  @ApiProperty({ example: 'Overall score' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: null })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  tooltip?: string | null;

  @ApiProperty({ example: 10, description: 'Widgets are shown by increasing order.' })
  @IsInt()
  @Min(-1000)
  @Max(100_000)
  order!: number;

  @ApiProperty({ example: '/reports/models/global', description: 'CHART: the route fetched with ?projectIds=a,b&start=&end=; IFRAME: the page shown.' })
  @IsString()
  @Matches(ENDPOINT_URL, { message: '$property must be a route of this API such as /reports/models/global, or an http(s) URL' })
  endpointUrl!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { type: 'line', xAxis: { name: 'performed_at' }, yAxis: { series: [{ name: 'score_anchor', label: 'Anchor' }], format: 'decimal-4' }, displayEvolution: false },
    description: 'For a line chart: {type: "line", xAxis: {name}, yAxis: {series: [{name, label?}], format?}, displayEvolution?, filterConfig?, groupByProperty?, alertConfig?}.',
  })
  @ValidateIf((o: MetricsWidgetInput) => o.type === 'CHART' || o.nativeConfiguration !== undefined)
  @IsChartConfiguration()
  nativeConfiguration?: Record<string, unknown>;
}

export class MetricsWidgetDto extends MetricsWidgetInput {
  @ApiProperty({ example: 1, description: 'Numeric id, unique within the layout.' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  id!: number;
}

/** `GET /reports/schema`: what the web app renders (its `ReportSchemaResponse`). */
export class ReportSchemaDto {
  @ApiProperty({ example: '1' }) schema_version!: string;
  @ApiProperty({ type: [LeaderboardColumnDto] }) leaderboard_columns!: LeaderboardColumnDto[];
  @ApiProperty({ type: [MetricsWidgetDto] }) metrics_widgets!: MetricsWidgetDto[];
}

export class LayoutSavedDto {
  @ApiProperty({ example: true }) success!: boolean;
}

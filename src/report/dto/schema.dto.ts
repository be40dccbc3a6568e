import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LeaderboardColumnDto {
  @ApiProperty({ example: 'score_anchor', description: 'Field of GET /reports/leaderboard (or of /reports/leaderboard/view rows).' }) key!: string;
  @ApiProperty({ example: 'Anchor (1h)' }) label!: string;
  @ApiProperty({ example: 'number', enum: ['integer', 'number', 'string', 'datetime', 'status', 'trend'] }) type!: string;
  @ApiPropertyOptional({ example: 'anchor', description: 'Score window this column shows.' }) window?: string;
  @ApiPropertyOptional({ example: 3600 }) window_seconds?: number;
  @ApiPropertyOptional({ example: true, description: 'The column the leaderboard is ranked by.' }) ranked_by?: boolean;
  @ApiPropertyOptional({ example: 'higher', enum: ['higher', 'lower'] }) better?: string;
}

export class MetricsWidgetDto {
  @ApiProperty({ example: 'overall-scores' }) id!: string;
  @ApiProperty({ example: 'Overall score over time' }) title!: string;
  @ApiProperty({ example: 'line', enum: ['line', 'bar', 'table'] }) type!: string;
  @ApiProperty({ example: '/reports/models/global' }) endpoint!: string;
  @ApiProperty({ example: 'performed_at' }) x_field!: string;
  @ApiProperty({ type: [String], example: ['score_recent', 'score_steady', 'score_anchor'] }) y_fields!: string[];
  @ApiPropertyOptional({ example: 'model_id', description: 'One series per distinct value of this field.' }) group_by?: string;
  @ApiProperty({ type: [String], example: ['projectIds', 'start', 'end'], description: 'Query parameters the endpoint needs.' }) query_params!: string[];
}

export class ReportSchemaDto {
  @ApiProperty({ example: 1 }) schema_version!: number;
  @ApiProperty({ type: [LeaderboardColumnDto] }) leaderboard_columns!: LeaderboardColumnDto[];
  @ApiProperty({ type: [MetricsWidgetDto] }) metrics_widgets!: MetricsWidgetDto[];
}

import { ApiProperty } from '@nestjs/swagger';

export class FeedInfoDto {
  @ApiProperty({ example: 'synthetic' }) adapter!: string;
  @ApiProperty({ example: true, description: 'True when prices are generated, not market data: the UI says so.' }) synthetic!: boolean;
  @ApiProperty({ type: [String], example: ['BTC', 'ETH'] }) subjects!: string[];
  @ApiProperty({ example: 60, description: 'Seconds between records.' }) granularity_seconds!: number;
  @ApiProperty({ example: 60 }) tick_interval_seconds!: number;
}

export class WindowInfoDto {
  @ApiProperty({ example: 'anchor' }) name!: string;
  @ApiProperty({ example: 604800 }) seconds!: number;
}

export class ScoringInfoDto {
  @ApiProperty({ example: 'density-pdf' }) scorer!: string;
  @ApiProperty({ example: 'log-return', enum: ['log-return', 'difference'] }) target!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { policy: 'batch-min', cap: 0 } }) penalty!: Record<string, unknown>;
  @ApiProperty({ example: 60 }) interval_seconds!: number;
  @ApiProperty({ type: [WindowInfoDto] }) windows!: WindowInfoDto[];
}

export class RankingInfoDto {
  @ApiProperty({ example: 'anchor' }) rank_by!: string;
  @ApiProperty({ example: 'auto', enum: ['higher', 'lower', 'auto'] }) direction!: string;
  @ApiProperty({ type: String, nullable: true, example: 'higher', enum: ['higher', 'lower'], description: 'Which way scores are better (direction, or the scorer\'s own when auto); null when the scorer is unknown here.' }) better!: string | null;
  @ApiProperty({ type: [String], example: ['steady', 'recent'] }) tiebreakers!: string[];
  @ApiProperty({ example: 1 }) min_scored_predictions!: number;
}

export class PredictionConfigInfoDto {
  @ApiProperty({ example: 'BTC-3600-60' }) param!: string;
  @ApiProperty({ example: 'BTC' }) asset!: string;
  @ApiProperty({ example: 3600 }) horizon!: number;
  @ApiProperty({ example: 60 }) step!: number;
  @ApiProperty({ example: 720 }) interval!: number;
  @ApiProperty({ example: 'hourly' }) group!: string;
  @ApiProperty({ example: true }) active!: boolean;
}

export class BenchmarkInfoDto {
  @ApiProperty({ example: 'crunch' }) player_name!: string;
  @ApiProperty({ example: 'benchmarktracker' }) model_name!: string;
}

/** `GET /info`: the competition this node runs (feed options are never exposed: they may hold keys). */
export class CompetitionInfoDto {
  @ApiProperty({ example: 'condorgame-demo' }) id!: string;
  @ApiProperty({ example: 'Condor Game demo (synthetic prices)' }) name!: string;
  @ApiProperty({ example: 'Density forecasts on a synthetic, seeded price process.' }) description!: string;
  @ApiProperty({ type: FeedInfoDto }) feed!: FeedInfoDto;
  @ApiProperty({ type: ScoringInfoDto }) scoring!: ScoringInfoDto;
  @ApiProperty({ type: RankingInfoDto }) leaderboard!: RankingInfoDto;
  @ApiProperty({ type: [PredictionConfigInfoDto] }) predictions!: PredictionConfigInfoDto[];
  @ApiProperty({ type: BenchmarkInfoDto, nullable: true, description: 'The benchmark model the reward options name (never paid); null when none.' }) benchmark!: BenchmarkInfoDto | null;
  @ApiProperty({ example: 'distributions' }) prediction_output!: string;
  @ApiProperty({ example: 5000 }) call_timeout_ms!: number;
  @ApiProperty({ example: false, description: 'True for a tournament: rounds are opened and resolved through /tournament/rounds (the page shows them).' }) tournament!: boolean;
}

import { BinanceFeedAdapter } from './binance.feed';
import { CrunchdaoFeedAdapter } from './crunchdao.feed';
import { CsvFeedAdapter } from './csv.feed';
import { ParquetFeedAdapter } from './parquet.feed';
import { PythBenchmarksFeedAdapter } from './pyth-benchmarks.feed';
import { PythHermesFeedAdapter } from './pyth-hermes.feed';
import { SqlFeedAdapter } from './sql.feed';
import { SyntheticFeedAdapter } from './synthetic.feed';
import { WebSocketFeedAdapter } from './websocket.feed';
import { TournamentFeedAdapter } from '../../tournament/tournament.feed';

/** The adapters shipped with the coordinator; each registers itself by its `@FeedAdapter` name. */
export const BUILT_IN_FEED_ADAPTERS = [
  SyntheticFeedAdapter,
  CrunchdaoFeedAdapter,
  PythBenchmarksFeedAdapter,
  PythHermesFeedAdapter,
  BinanceFeedAdapter,
  CsvFeedAdapter,
  ParquetFeedAdapter,
  SqlFeedAdapter,
  WebSocketFeedAdapter,
  TournamentFeedAdapter, // a tournament's rounds bring their data: this feed holds none
];

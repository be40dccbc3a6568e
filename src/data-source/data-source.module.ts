import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BUILT_IN_FEED_ADAPTERS } from './adapters';
import { DataSourceService } from './data-source.service';
import { FeedRecordRepository } from './feed-record.repository';
import { FeedRegistry } from './feed-registry';

/**
 * Feeds and their data. Needs from the app: `COMPETITION`, the TypeORM `DataSource`, `Clock` and
 * `JobScheduler` (global modules). Other modules add adapters with `@FeedAdapter('name')`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [FeedRegistry, ...BUILT_IN_FEED_ADAPTERS, FeedRecordRepository, DataSourceService],
  exports: [DataSourceService, FeedRegistry],
})
export class DataSourceModule {}

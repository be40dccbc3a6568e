import { Module } from '@nestjs/common';
import { ScoreWindowRepository } from './score-window.repository';

/**
 * The window buckets' repository alone, so that scoring and the admin API's void (which may run
 * without the score role) share one instance. Needs the DataSource from the app.
 */
@Module({
  providers: [ScoreWindowRepository],
  exports: [ScoreWindowRepository],
})
export class ScoreWindowStoreModule {}

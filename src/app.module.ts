import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { CompetitionDefinition } from './config/competition/competition.types';
import { ConfigModule } from './config/config.module';
import { Clock, SystemClock } from './clock/clock';
import { ClockModule } from './clock/clock.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';

export interface AppModuleOptions {
  config: AppConfig;
  competition: CompetitionDefinition;
  /** Defaults to the system clock; tests and replays pass a VirtualClock. */
  clock?: Clock;
}

/**
 * The whole coordinator in one process. Which pipeline stages run is set by ROLES
 * (predict, score, report), so the same build also runs as separate instances.
 */
@Module({})
export class AppModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(opts.config, opts.competition),
        ClockModule.forRoot(opts.clock ?? new SystemClock()),
        DatabaseModule,
        HealthModule,
      ],
    };
  }
}

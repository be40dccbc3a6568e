import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { APP_CONFIG } from './config.tokens';
import { COMPETITION } from './competition/competition.tokens';
import { CompetitionDefinition } from './competition/competition.types';

/**
 * Provides the validated AppConfig and CompetitionDefinition to every module. Both are loaded
 * (and validated) in main.ts before Nest starts, so a bad value stops the process with one line.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, competition: CompetitionDefinition): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: COMPETITION, useValue: competition },
      ],
      exports: [APP_CONFIG, COMPETITION],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { RateLimitGuard } from '../http/rate-limits/rate-limit.guard';
import { RateLimits } from '../http/rate-limits/rate-limits';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyRing } from './api-key-ring';

/**
 * Who may call which route, and how often, on every route the app serves: the rate limits
 * first (so refused and unauthenticated requests are counted too), then the `@RequireTier`
 * check. Both are global guards, in that order. RateLimits is exported for the leaderboard
 * fast path, which answers before the guards run.
 *
 * @example
 *   imports: [ConfigModule.forRoot(config, competition), AccessModule.forRoot(config)]
 */
@Module({})
export class AccessModule {
  static forRoot(config: Pick<AppConfig, 'apiKeys' | 'rateLimits'>): DynamicModule {
    const ring = new ApiKeyRing(config.apiKeys);
    const limits = new RateLimits(config.rateLimits, ring);
    return {
      module: AccessModule,
      imports: [ThrottlerModule.forRoot(limits.throttlerOptions())],
      providers: [
        { provide: ApiKeyRing, useValue: ring },
        { provide: RateLimits, useValue: limits },
        // Guards run in the order they are provided.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [ApiKeyRing, RateLimits],
    };
  }
}

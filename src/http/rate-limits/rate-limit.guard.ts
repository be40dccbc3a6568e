import { ExecutionContext, HttpException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import { RateLimits } from './rate-limits';

/**
 * @nestjs/throttler's guard with this API's refusal: 429 with `Retry-After` (seconds) and the
 * project's `{statusCode, error, message}` body naming the limit that was hit.
 *
 * @example
 *   { provide: APP_GUARD, useClass: RateLimitGuard } // done by AccessModule, before the key guard
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly limits: RateLimits,
  ) {
    super(options, storage, reflector);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const http = context.switchToHttp();
    http.getResponse<{ setHeader(name: string, value: string): void }>().setHeader('Retry-After', String(detail.timeToBlockExpire));
    const tracker = this.limits.trackerOf(http.getRequest());
    throw new HttpException(this.limits.tooManyRequests(tracker, detail.timeToBlockExpire), 429);
  }
}

import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Logger, OnModuleInit, Optional, UnauthorizedException } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { ACCESS_TIER_METADATA, API_KEY_REQUEST_PROPERTY, AccessTier } from './access-tier';
import { ApiKeyRing, tierMeets } from './api-key-ring';
import { callerOf } from './caller';

/** Sent with every 401, so a client knows a bearer token is what is asked for. */
const WWW_AUTHENTICATE = 'Bearer realm="coordinator-node"';

/**
 * The global guard of `@RequireTier`: a route without it is public; a route with it needs a
 * configured key of at least that tier. No key, an unknown key, or no keys configured at all:
 * 401; a key below the tier: 403; both with `{statusCode, error, message}`. An accepted key's
 * identity (id and tier, never the secret) is put on the request for `@CallerKey()`.
 *
 * @example
 *   { provide: APP_GUARD, useClass: ApiKeyGuard } // done by AccessModule
 */
@Injectable()
export class ApiKeyGuard implements CanActivate, OnModuleInit {
  constructor(
    private readonly reflector: Reflector,
    private readonly ring: ApiKeyRing,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /**
   * One line at start, so an operator sees at once whether the admin routes can be used; none in
   * an app that serves no HTTP (a replay, `check`), where it would only be noise.
   */
  onModuleInit(): void {
    if (!this.adapterHost?.httpAdapter) return;
    const logger = new Logger('Access');
    if (this.ring.size === 0) logger.warn('no API keys configured (API_KEYS_FILE, API_KEYS): every protected route answers 401');
    else logger.log(`${this.ring.size} API key${this.ring.size === 1 ? '' : 's'} configured`);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const required = this.reflector.getAllAndOverride<AccessTier | undefined>(ACCESS_TIER_METADATA, [context.getHandler(), context.getClass()]);
    if (required === undefined) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<{ headers: IncomingHttpHeaders } & Record<string, unknown>>();
    const unauthorized = (message: string) => {
      http.getResponse<{ setHeader(name: string, value: string): void }>().setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
      return new UnauthorizedException(message);
    };
    if (this.ring.size === 0) throw unauthorized('no API keys are configured on this coordinator: set API_KEYS_FILE or API_KEYS');
    const caller = callerOf(req, this.ring);
    if (caller.kind === 'anonymous') throw unauthorized(`this route needs ${tierName(required)} API key: send it as X-API-Key or Authorization: Bearer`);
    if (caller.kind === 'unknown-key') throw unauthorized('unknown API key');
    if (!tierMeets(caller.identity.tier, required)) {
      throw new ForbiddenException(`this route needs ${tierName(required)} key; key "${caller.identity.id}" is ${caller.identity.tier} tier`);
    }
    req[API_KEY_REQUEST_PROPERTY] = caller.identity;
    return true;
  }
}

function tierName(tier: AccessTier): string {
  return tier === 'admin' ? 'an admin' : 'a read';
}

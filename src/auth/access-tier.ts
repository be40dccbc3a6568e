import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiSecurity, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccessErrorDto } from './access-error.dto';

/** What an API key may do: `read` the protected reports, or also act as `admin`. Public routes need no key. */
export type AccessTier = 'read' | 'admin';

/** The key a request was authenticated with (its id only: the secret never leaves the guard). */
export interface ApiKeyIdentity {
  id: string;
  tier: AccessTier;
}

/** Request property the API-key guard sets once a key is accepted. */
export const API_KEY_REQUEST_PROPERTY = 'apiKey';

/** Route metadata read by the API-key guard. */
export const ACCESS_TIER_METADATA = 'coordinator:access-tier';

/** The OpenAPI security scheme names (registered in openapi.ts). */
export const API_KEY_SCHEME = 'apiKey';
export const BEARER_SCHEME = 'bearer';

/** OpenAPI extension naming an operation's tier, so clients (and the access test) read it from the document. */
export const ACCESS_TIER_EXTENSION = 'x-access-tier';

/**
 * Marks a controller or route as needing a key of at least `tier` (admin keys pass read routes).
 * A route without it is public.
 *
 * @example
 *   @RequireTier('admin')
 *   @Controller('admin/models')
 *   export class AdminModelsController {}
 */
export function RequireTier(tier: AccessTier): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_TIER_METADATA, tier),
    ApiSecurity(API_KEY_SCHEME),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ type: AccessErrorDto, description: 'No API key, or an unknown one (`X-API-Key` or `Authorization: Bearer`).' }),
    ApiForbiddenResponse({ type: AccessErrorDto, description: `The key's tier is below ${tier}.` }),
    ApiTooManyRequestsResponse({
      type: AccessErrorDto,
      description: 'Over the rate limit of the key (or of the IP without a key); Retry-After gives the seconds to wait.',
      headers: { 'Retry-After': { description: 'Seconds until the limit admits requests again.', schema: { type: 'integer' } } },
    }),
    ApiExtension(ACCESS_TIER_EXTENSION, tier),
  );
}

/** The calling key's id, for the audit trail; `anonymous` when the route is public or keys are off. */
export const CallerKey = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<Record<string, unknown>>();
  const identity = request[API_KEY_REQUEST_PROPERTY] as ApiKeyIdentity | undefined;
  return identity?.id ?? 'anonymous';
});

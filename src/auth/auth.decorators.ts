import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, Role } from './principal';
import { requestOf } from './request-of';

export const PUBLIC_KEY = 'graftwork:public';
export const ROLES_KEY = 'graftwork:roles';

/** No API key needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Minimum human role, plus `worker` when listed. Without it a route needs `viewer` for
 * reads (GET, GraphQL query/subscription) and `editor` for writes.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The caller resolved by AuthGuard, for REST handlers and GraphQL resolvers alike. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = requestOf(context)?.principal;
  // The guard runs before any handler, so a missing principal is a wiring bug, not a 401.
  if (!principal) throw new Error('CurrentPrincipal used on a route without an authenticated principal');
  return principal;
});

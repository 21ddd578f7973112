import { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from './principal';

/** The slice of a request the auth layer reads and writes, whatever the transport. */
export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  path?: string;
  ip?: string;
  principal?: Principal;
}

/**
 * The request behind a REST call or a GraphQL operation. For graphql-ws subscriptions the
 * GraphQL context carries a synthetic request built from connectionParams (see graphql setup).
 */
export function requestOf(context: ExecutionContext): AuthRequest | undefined {
  if ((context.getType() as string) === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req?: AuthRequest }>().req;
  }
  return context.switchToHttp().getRequest<AuthRequest>();
}

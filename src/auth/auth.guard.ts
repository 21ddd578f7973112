import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ForbiddenError, UnauthorizedError } from '../common/errors';
import { ApiKeysService } from './api-keys.service';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import type { Principal, Role } from './principal';
import { AuthRequest, requestOf } from './request-of';
import { roleSatisfies } from './role-policy';

/** Paths a worker key may reach at all, whatever a route's @Roles says. */
const WORKER_PATHS = [/^\/api\/v1\/ingest\//, /^\/api\/v1\/(artifacts|model-versions|dataset-versions)\/[^/]+\/content$/];

/**
 * Global guard for REST and GraphQL (graphql-ws included): resolves the Bearer key to a
 * Principal on the request, then checks the route's role requirement.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly apiKeys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = requestOf(context);
    if (!request) throw new UnauthorizedError('no request to authenticate');
    const principal = request.principal ?? (await this.resolve(request));
    request.principal = principal;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? defaultRoles(context);
    if (!roleSatisfies(principal.role, required) || !workerMayReach(principal, context, request)) {
      throw new ForbiddenError(`this API key's role (${principal.role}) may not do this`);
    }
    return true;
  }

  private async resolve(request: AuthRequest): Promise<Principal> {
    const key = bearerToken(request.headers.authorization);
    if (!key) throw new UnauthorizedError('missing API key: send Authorization: Bearer <key>');
    const principal = await this.apiKeys.authenticate(key);
    if (!principal) throw new UnauthorizedError('invalid or revoked API key');
    return principal;
  }
}

export function bearerToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value.trim()) : null;
  return match ? match[1] : null;
}

function defaultRoles(context: ExecutionContext): Role[] {
  if ((context.getType() as string) === 'graphql') {
    const operation = GqlExecutionContext.create(context).getInfo<{ operation?: { operation: string } }>()?.operation?.operation;
    return operation === 'mutation' ? ['editor'] : ['viewer'];
  }
  const method = context.switchToHttp().getRequest<AuthRequest>().method ?? 'GET';
  return method === 'GET' || method === 'HEAD' ? ['viewer'] : ['editor'];
}

function workerMayReach(principal: Principal, context: ExecutionContext, request: AuthRequest): boolean {
  if (principal.role !== 'worker') return true;
  if ((context.getType() as string) !== 'http') return false;
  const path = request.path ?? '';
  if (WORKER_PATHS[0].test(path)) return true;
  return request.method === 'GET' && WORKER_PATHS[1].test(path);
}

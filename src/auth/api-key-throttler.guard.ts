import { ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthRequest } from './request-of';

/**
 * Rate limit per API key (per client IP for anonymous calls). Runs after AuthGuard, which
 * has put the principal on the request. GraphQL over HTTP is counted like REST; a
 * subscription socket has no response to put headers on and is skipped.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as AuthRequest;
    return request.principal ? `key:${request.principal.apiKeyId}` : `ip:${request.ip ?? 'unknown'}`;
  }

  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, any>; res: Record<string, any> } {
    if ((context.getType() as string) === 'graphql') {
      const ctx = GqlExecutionContext.create(context).getContext<{ req: Record<string, any>; res?: Record<string, any> }>();
      return { req: ctx.req, res: ctx.res ?? (ctx.req.res as Record<string, any>) };
    }
    return super.getRequestResponse(context);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if ((context.getType() as string) === 'graphql') {
      const ctx = GqlExecutionContext.create(context).getContext<{ res?: unknown; req?: { res?: unknown } }>();
      if (!ctx.res && !ctx.req?.res) return true;
    }
    return super.canActivate(context);
  }
}

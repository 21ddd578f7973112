import { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { AppConfig } from '../config/app-config';
import type { ApiKeysService } from '../auth/api-keys.service';
import { bearerToken } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import type { AuthRequest } from '../auth/request-of';
import { complexityLimitPlugin } from './complexity.plugin';
import { depthLimitRule } from './depth-limit.rule';

interface WsConnectionContext {
  connectionParams?: Record<string, unknown>;
  extra?: { principal?: Principal };
}

/**
 * graphql-ws carries no HTTP headers per operation; the client sends its key once in
 * connectionParams `{ authorization: 'Bearer ...' }`. We wrap it in a request-like object
 * so AuthGuard and CurrentPrincipal treat subscriptions like any other call.
 */
export function wsRequest(connectionParams: Record<string, unknown> | undefined, principal?: Principal): AuthRequest {
  const authorization = connectionParams?.authorization ?? connectionParams?.Authorization;
  return { headers: { authorization: typeof authorization === 'string' ? authorization : undefined }, method: 'WS', path: '/graphql', principal };
}

/** Refuses a graphql-ws connection without a valid key (closed with 4403) before any operation. */
function authenticateConnection(apiKeys: ApiKeysService) {
  return async (ctx: { connectionParams?: Record<string, unknown>; extra: unknown }): Promise<boolean> => {
    const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
    const key = bearerToken(typeof raw === 'string' ? raw : undefined);
    const principal = key ? await apiKeys.authenticate(key) : null;
    if (!principal || typeof ctx.extra !== 'object' || ctx.extra === null) return false;
    // graphql-ws keeps `extra` for the socket's lifetime; the context function reads it back.
    (ctx.extra as { principal?: Principal }).principal = principal;
    return true;
  };
}

export function buildGraphqlOptions(config: AppConfig, apiKeys: ApiKeysService): ApolloDriverConfig {
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    // Nest's own filter turns errors into GraphQLError with extensions.code/field; Apollo
    // adds a stack trace outside production, which we never want in answers.
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimitRule(config.graphqlMaxDepth)],
    formatError: keepOwnErrorCode,
    plugins: [complexityLimitPlugin(config.graphqlMaxComplexity)],
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        onConnect: authenticateConnection(apiKeys),
      },
    },
    context: (incoming: { req?: unknown; res?: unknown } & WsConnectionContext) => {
      if (incoming.req) return { req: incoming.req, res: incoming.res };
      return { req: wsRequest(incoming.connectionParams, incoming.extra?.principal) };
    },
  };
}

/**
 * Apollo relabels every validation failure GRAPHQL_VALIDATION_FAILED; our own rules (the
 * depth limit) set a more precise code, which clients should see.
 */
export function keepOwnErrorCode(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as { originalError?: unknown } | null)?.originalError;
  const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
  return typeof code === 'string' ? { ...formatted, extensions: { ...formatted.extensions, code } } : formatted;
}

import { ApolloDriverConfig } from '@nestjs/apollo';
import { AppConfig } from '../config/app-config';
import type { AuthRequest } from '../auth/request-of';
import { complexityLimitPlugin } from './complexity.plugin';
import { depthLimitRule } from './depth-limit.rule';

interface WsConnectionContext {
  connectionParams?: Record<string, unknown>;
}

/**
 * graphql-ws carries no HTTP headers per operation; the client sends its key once in
 * connectionParams `{ authorization: 'Bearer ...' }`. We wrap it in a request-like object
 * so AuthGuard and CurrentPrincipal treat subscriptions like any other call.
 */
export function wsRequest(connectionParams: Record<string, unknown> | undefined): AuthRequest {
  const authorization = connectionParams?.authorization ?? connectionParams?.Authorization;
  return { headers: { authorization: typeof authorization === 'string' ? authorization : undefined }, method: 'WS', path: '/graphql' };
}

export function buildGraphqlOptions(config: AppConfig): ApolloDriverConfig {
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    // Nest's own filter turns errors into GraphQLError with extensions.code/field; Apollo
    // adds a stack trace outside production, which we never want in answers.
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimitRule(config.graphqlMaxDepth)],
    plugins: [complexityLimitPlugin(config.graphqlMaxComplexity)],
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
      },
    },
    context: (incoming: { req?: unknown; res?: unknown } & WsConnectionContext) => {
      if (incoming.req) return { req: incoming.req, res: incoming.res };
      return { req: wsRequest(incoming.connectionParams) };
    },
  };
}

import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * Refuses operations whose estimated cost passes `maxComplexity`. Runs once the operation
 * is resolved (not as a plain validation rule) because list sizes often come from
 * variables (`first: $n`), which validation rules cannot see. Fields may declare their
 * own cost with `@Field({ complexity })`; everything else costs 1.
 */
export function complexityLimitPlugin(maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart({ schema }): Promise<GraphQLRequestListener<Record<string, unknown>>> {
      return {
        async didResolveOperation({ request, document }) {
          const complexity = getComplexity({
            schema,
            operationName: request.operationName,
            query: document,
            variables: request.variables ?? {},
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > maxComplexity) {
            throw new GraphQLError(`query complexity ${complexity} exceeds the maximum complexity of ${maxComplexity}`, {
              extensions: { code: 'query_too_complex', limit: maxComplexity, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

import { GraphQLError, GraphQLScalarType } from 'graphql';

/** A metric value: a number, or "NaN" / "Infinity" / "-Infinity" (GraphQL's Float cannot carry those). */
export const MetricNumberScalar = new GraphQLScalarType({
  name: 'MetricNumber',
  description: 'A number, or one of the strings NaN, Infinity, -Infinity',
  serialize: (value) => value,
  parseValue: () => {
    throw new GraphQLError('MetricNumber is output only');
  },
});

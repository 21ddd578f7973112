import { buildSchema, parse, validate } from 'graphql';
import { depthLimitRule } from './depth-limit.rule';

const schema = buildSchema(`
  type Node { id: ID!, child: Node, children: [Node!]! }
  type Query { root: Node }
`);

const errorsFor = (query: string, max: number) => validate(schema, parse(query), [depthLimitRule(max)]);

describe('depthLimitRule', () => {
  it('accepts queries up to the limit and refuses deeper ones, naming the limit', () => {
    expect(errorsFor('{ root { child { id } } }', 3)).toEqual([]);
    const errors = errorsFor('{ root { child { child { id } } } }', 3);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toContain('maximum depth of 3');
    expect(errors[0].extensions.code).toBe('query_too_deep');
  });

  it('follows fragments and inline fragments', () => {
    const query = 'query { root { ...F } } fragment F on Node { child { ... on Node { child { id } } } }';
    expect(errorsFor(query, 3)).toHaveLength(1);
    expect(errorsFor(query, 4)).toEqual([]);
  });

  it('does not count introspection', () => {
    expect(errorsFor('{ __schema { types { fields { type { name } } } } }', 1)).toEqual([]);
  });
});

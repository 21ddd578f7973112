import type { ErrorObject } from 'ajv';

/** One reason a value does not match its contract: the JSON path of the field and what was expected. */
export interface ContractViolation {
  field: string;
  expected: string;
}

const ARTICLE: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typeWords(type: unknown): string {
  if (Array.isArray(type)) return type.map((t) => ARTICLE[String(t)] ?? String(t)).join(' or ');
  return ARTICLE[String(type)] ?? 'a value';
}

/** `/steps/0` under root `spec` → `spec.steps[0]`. */
export function fieldPath(root: string, instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  let path = root;
  for (const part of parts) path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  return path;
}

/** Turns one ajv error (compiled with verbose: true) into words a client can act on. */
export function describeAjvError(root: string, error: ErrorObject): ContractViolation {
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const kind = typeWords(parent.type);
  switch (error.keyword) {
    case 'required':
      return { field: fieldPath(root, error.instancePath, String(params.missingProperty)), expected: 'a value (the field is required)' };
    case 'additionalProperties': {
      const allowed = Object.keys((parent.properties as object | undefined) ?? {});
      return {
        field: fieldPath(root, error.instancePath, String(params.additionalProperty)),
        expected: `no such field (allowed: ${allowed.join(', ') || 'none'})`,
      };
    }
    case 'type':
      return { field: fieldPath(root, error.instancePath), expected: typeWords(params.type) };
    case 'enum':
      return { field: fieldPath(root, error.instancePath), expected: `one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { field: fieldPath(root, error.instancePath), expected: JSON.stringify(params.allowedValue) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field: fieldPath(root, error.instancePath), expected: `${kind} ${String(params.comparison)} ${String(params.limit)}` };
    case 'minLength':
      return { field: fieldPath(root, error.instancePath), expected: `a string of at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { field: fieldPath(root, error.instancePath), expected: `a string of at most ${String(params.limit)} characters` };
    case 'minItems':
      return { field: fieldPath(root, error.instancePath), expected: `at least ${String(params.limit)} items` };
    case 'maxItems':
      return { field: fieldPath(root, error.instancePath), expected: `at most ${String(params.limit)} items` };
    case 'pattern':
      return { field: fieldPath(root, error.instancePath), expected: `a string matching ${String(params.pattern)}` };
    case 'format':
      return { field: fieldPath(root, error.instancePath), expected: `a string in ${String(params.format)} format` };
    default:
      return { field: fieldPath(root, error.instancePath), expected: `a value that ${error.message ?? 'matches the contract'}` };
  }
}

/**
 * With allErrors, a failed oneOf reports each branch's errors and then itself; the branch
 * errors are the useful ones for a single-typed field, the oneOf error for a union.
 */
export function pickViolations(root: string, errors: ErrorObject[]): ContractViolation[] {
  const seen = new Set<string>();
  const out: ContractViolation[] = [];
  const direct = errors.filter((e) => !['oneOf', 'anyOf', 'if'].includes(e.keyword));
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const error of errors) {
    let violation: ContractViolation;
    if (unionPaths.has(error.instancePath) && error.keyword !== 'oneOf' && error.keyword !== 'anyOf') continue;
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') {
      const branches = ((error.parentSchema as Record<string, unknown>)[error.keyword] as Array<Record<string, unknown>>) ?? [];
      const words = branches.map((b) => (b.enum ? `one of ${(b.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` : b.$ref ? String(b.$ref).split('/').pop() : typeWords(b.type)));
      violation = { field: fieldPath(root, error.instancePath), expected: words.join(', or ') };
    } else violation = describeAjvError(root, error);
    const key = `${violation.field}|${violation.expected}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(violation);
    }
  }
  return out.length > 0 ? out : direct.map((e) => describeAjvError(root, e));
}

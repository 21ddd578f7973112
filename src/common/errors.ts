/**
 * Domain errors. Services throw these; the global exception filter turns them into the
 * REST JSON body `{error, message, field?}` or a GraphQL error with `extensions.code`
 * (and `extensions.field`), so both APIs describe a failure the same way.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly field?: string;
}

/** Bad input: names the field and what was expected. */
export class InputError extends AppError {
  readonly status = 400;
  readonly code = 'bad_request';
  constructor(readonly field: string, expected: string) {
    super(`${field}: expected ${expected}`);
  }
}

/** Missing, or belonging to another project (the two are never told apart). */
export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor(entity: string, id: string) {
    super(`${entity} ${id} not found`);
  }
}

/** The request clashes with current state; `code` is a stable machine-readable reason. */
export class ConflictError extends AppError {
  readonly status = 409;
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** A body or upload larger than the configured limit. */
export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
  constructor(readonly limitBytes: number, what = 'body') {
    super(`${what} exceeds the limit of ${limitBytes} bytes`);
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
}

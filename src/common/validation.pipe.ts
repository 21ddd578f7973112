import { ValidationError, ValidationPipe } from '@nestjs/common';
import { InputError } from './errors';

/**
 * class-validator for REST bodies/queries and GraphQL inputs, reporting the first bad
 * field as InputError(field, expected) so both APIs answer with the same shape.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) => firstInputError(errors),
  });
}

export function firstInputError(errors: ValidationError[], parent = ''): InputError {
  const error = errors[0];
  const field = parent ? `${parent}.${error.property}` : error.property;
  if (error.children && error.children.length > 0 && !error.constraints) return firstInputError(error.children, field);
  const expected = Object.values(error.constraints ?? {}).join('; ') || 'a valid value';
  return new InputError(field, expected.replace(new RegExp(`^${error.property} `), ''));
}

import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { InputError } from './errors';

/**
 * class-validator for REST bodies/queries and GraphQL inputs, reporting the first bad
 * field as InputError(field, expected) so both APIs answer with the same shape.
 * Only classes that declare class-validator rules are checked (and then strictly: unknown
 * properties are refused). A class without any rule passes through untouched, so modules
 * that validate against JSON Schema contracts (runs) are not second-guessed.
 */
class DeclaredRulesValidationPipe extends ValidationPipe {
  protected override toValidate(metadata: ArgumentMetadata): boolean {
    if (!super.toValidate(metadata) || !metadata.metatype) return false;
    return hasValidationRules(metadata.metatype);
  }
}

export function hasValidationRules(type: Function): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0;
}

export function createValidationPipe(): ValidationPipe {
  return new DeclaredRulesValidationPipe({
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

import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InputError } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new InputError(field, 'a UUID');
  return value.toLowerCase();
}

/** `@Param('id', ParseIdPipe)` / `@Args('id', ParseIdPipe)`: a UUID, or 400 naming the field. */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    return assertUuid(value, metadata.data ?? 'id');
  }
}

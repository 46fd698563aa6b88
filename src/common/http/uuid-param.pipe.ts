import { ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailedError } from '../errors/domain-error';

/** A path id that is not a UUID is a 400 naming the field, never a database error. */
export function uuidParam(field = 'id'): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => new ValidationFailedError(`Invalid request: ${field} must be a UUID`, [{ field, reason: `${field} must be a UUID` }]),
  });
}

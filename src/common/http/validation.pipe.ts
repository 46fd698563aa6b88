import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldIssue, ValidationFailedError } from '../errors/domain-error';

/** Flattens class-validator's tree into `field.path: reason` issues. */
export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const reason of Object.values(e.constraints ?? {})) out.push({ field, reason });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/**
 * The global DTO validation: unknown fields are rejected (not silently stripped), values are
 * converted to the DTO's types, and a failure is a 400 naming every bad field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const issues = flattenValidationErrors(errors);
      return new ValidationFailedError(
        `Invalid request: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`,
        issues,
      );
    },
  });
}

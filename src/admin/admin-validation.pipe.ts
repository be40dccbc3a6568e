import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * Validates the admin routes' path parameters and JSON bodies. Unlike the report's query pipe,
 * an unknown body field is refused, not ignored: an operator who misspells `reason` must learn
 * it before the action runs. Every problem answers 400 naming the field.
 *
 * @example
 *   POST /admin/models/m1/disable {"reson": "x"}
 *   -> 400 {"statusCode":400,"error":"Bad Request","message":"Invalid field reason: reason must be a string; Invalid field reson: property reson should not exist","fields":["reason","reson"]}
 */
export function adminValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalidFields(errors),
  });
}

export function invalidFields(errors: ValidationError[]): BadRequestException {
  const problems = errors.flatMap((e) => flatten(e, ''));
  const fields = [...new Set(problems.map((p) => p.field))];
  const message = problems.map((p) => `Invalid field ${p.field}: ${p.message}`).join('; ');
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, fields });
}

/** A 400 about one named field, for rules checked outside the DTO (a range, a subject). */
export function invalidField(field: string, message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `Invalid field ${field}: ${message}`, fields: [field] });
}

function flatten(error: ValidationError, prefix: string): { field: string; message: string }[] {
  const field = prefix ? `${prefix}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
  return [...own, ...(error.children ?? []).flatMap((c) => flatten(c, field))];
}

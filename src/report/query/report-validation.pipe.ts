import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * Validates and converts the report routes' query DTOs. Unknown query parameters are ignored
 * (stripped), not rejected: the ecosystem's UIs add cache busters and parameters of newer
 * versions, and the seed ignored them too. Every bad value yields 400 naming the parameter.
 *
 * @example
 *   GET /reports/models/global?projectIds=m1&start=nope&end=2025-01-01T00:00:00Z
 *   -> 400 {"statusCode":400,"error":"Bad Request","message":"Invalid query parameter start: start must be one ISO-8601 datetime ...","parameters":["start"]}
 */
export function reportValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: false,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalidQuery(errors),
  });
}

export function invalidQuery(errors: ValidationError[]): BadRequestException {
  const problems = errors.flatMap((e) => flatten(e, ''));
  const parameters = [...new Set(problems.map((p) => p.parameter))];
  const message = problems.map((p) => `Invalid query parameter ${p.parameter}: ${p.message}`).join('; ');
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, parameters });
}

/** A 400 about one named parameter, for rules checked outside the DTO (ranges, cursors, counts). */
export function invalidParameter(parameter: string, message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `Invalid query parameter ${parameter}: ${message}`, parameters: [parameter] });
}

function flatten(error: ValidationError, prefix: string): { parameter: string; message: string }[] {
  const parameter = prefix ? `${prefix}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).map((message) => ({ parameter, message }));
  return [...own, ...(error.children ?? []).flatMap((c) => flatten(c, parameter))];
}

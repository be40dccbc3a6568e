import { ValidationPipe } from '@nestjs/common';
import { invalidFields } from '../http/request-fields';

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

import { BadRequestException } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

/**
 * Validates a request body (JSON, or the text fields of a multipart form) against a DTO class; fields the class does not declare are
 * dropped. A bad body is a 400 whose message and `fields` name the offending field (`[2].order`
 * inside a list).
 *
 * @example
 *   readBody(LeaderboardColumnInput, { type: 'VALUE', property: '' })
 *   // throws 400 {"message": "Invalid field property: property must be a row field name ...", "fields": ["property"]}
 */
export function readBody<T extends object>(cls: ClassConstructor<T>, body: unknown, at = ''): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidField(at || '(body)', 'must be a JSON object');
  const instance = plainToInstance(cls, body);
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true, stopAtFirstError: true, validationError: { target: false, value: false } });
  if (errors.length > 0) throw invalidFields(errors, at);
  return instance;
}

/** The 400 of a failed validation: the message and `fields` name every offending field (`at` prefixes them). */
export function invalidFields(errors: ValidationError[], at = ''): BadRequestException {
  const problems = errors.flatMap((e) => flatten(e, at));
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: problems.map((p) => `Invalid field ${p.field}: ${p.message}`).join('; '),
    fields: [...new Set(problems.map((p) => p.field))],
  });
}

/** A JSON array body of at most `maxItems` items, each validated as `cls`. */
export function readListBody<T extends object>(cls: ClassConstructor<T>, body: unknown, maxItems: number): T[] {
  if (!Array.isArray(body)) throw invalidField('(body)', 'must be a JSON array');
  if (body.length > maxItems) throw invalidField('(body)', `must hold at most ${maxItems} items`);
  return body.map((item, i) => readBody(cls, item, `[${i}]`));
}

/** A 400 about one named field, for rules checked outside the DTO (a range, a subject, an archive). */
export function invalidField(field: string, message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `Invalid field ${field}: ${message}`, fields: [field] });
}

function flatten(error: ValidationError, prefix: string): { field: string; message: string }[] {
  const field = prefix ? `${prefix}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
  return [...own, ...(error.children ?? []).flatMap((c) => flatten(c, field))];
}

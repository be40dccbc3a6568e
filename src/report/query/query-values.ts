import { Transform } from 'class-transformer';
import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * How query-string values are read. Express gives a string, an array (repeated parameter) or,
 * with an "extended" parser, an object; each rule below turns that into what a route expects or
 * leaves a value the validator rejects with the parameter's name.
 */

/** Longest accepted identifier (model id, source, subject...): longer is an error, not a truncation. */
export const MAX_IDENTIFIER_LENGTH = 256;
// NUL and other C0 controls make PostgreSQL reject the text (or hide in logs): refuse them up front.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A list parameter given repeated (`?a=x&a=y`), comma-separated (`?a=x,y`) or both. */
export function ToList(): PropertyDecorator {
  return Transform(({ value }) => {
    if (value === undefined || value === null) return value;
    const parts = (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v.split(',') : [v])).flat();
    return parts.map((p) => (typeof p === 'string' ? p.trim() : p)).filter((p) => p !== '');
  });
}

/** A single value: an array (repeated parameter) is kept as is so validation names it. */
export function ToTrimmed(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
}

/** An integer parameter: `"20"` -> 20; anything else (`"2e3"`, `"1.5"`, `"0x10"`, repeated) stays invalid. */
export function ToInteger(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' && /^[+-]?\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : value));
}

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_IDENTIFIER_LENGTH && !CONTROL_CHARACTERS.test(value);
}

/** class-validator rule: a non-empty printable string of at most MAX_IDENTIFIER_LENGTH characters (each element when `each`). */
export function IsIdentifier(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIdentifier',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be a single non-empty value of at most ${MAX_IDENTIFIER_LENGTH} printable characters`, ...options },
      validator: { validate: (value: unknown) => isIdentifier(value) },
    });
}

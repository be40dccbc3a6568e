import { registerDecorator, ValidationOptions } from 'class-validator';

// Calendar date, optional time (T or space), optional fraction, optional zone. Week and ordinal
// dates are not accepted: the seed's clients only ever send calendar datetimes.
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO-8601 calendar datetime; a value without zone is read as UTC (the seed stored
 * naive UTC times and its clients send them that way). Returns undefined when the text is not
 * a real instant (bad format, 2025-02-30, hour 25, ...).
 *
 * @example
 *   parseIsoTimestamp('2025-01-01T10:00:00')      // 2025-01-01T10:00:00.000Z
 *   parseIsoTimestamp('2025-01-01T12:00:00+02:00') // 2025-01-01T10:00:00.000Z
 *   parseIsoTimestamp('yesterday')                 // undefined
 */
export function parseIsoTimestamp(text: unknown): Date | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const m = ISO_DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number((frac + '000').slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2025-02-30 over to March: reject instead of guessing.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  const offsetMinutes = zoneOffsetMinutes(zone);
  if (offsetMinutes === undefined) return undefined;
  const date = new Date(utc - offsetMinutes * 60_000);
  return Number.isFinite(date.getTime()) ? date : undefined;
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** class-validator rule: the property is one ISO-8601 datetime that `parseIsoTimestamp` accepts. */
export function IsIsoTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIsoTimestamp',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be one ISO-8601 datetime such as 2025-01-01T00:00:00Z', ...options },
      validator: { validate: (value: unknown) => parseIsoTimestamp(value) !== undefined },
    });
}

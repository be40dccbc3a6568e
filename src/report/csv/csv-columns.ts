import { DECORATORS } from '@nestjs/swagger/dist/constants';

interface PropertyMetadata {
  type?: unknown;
  isArray?: boolean;
}

/**
 * The columns a response DTO documents (its `@ApiProperty` fields, in declaration order), a nested
 * DTO's fields as dotted columns: the CSV of a list route has the same header whether or not the
 * list is empty.
 *
 * @example
 *   declaredColumns(RoundDto) // ['round_id', 'param', ..., 'counts.SUCCESS', 'counts.FAILED', ...]
 */
export function declaredColumns(dto: unknown, prefix = '', depth = 0): string[] {
  if (typeof dto !== 'function' || depth > 3) return [];
  const names: string[] | undefined = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype);
  if (!names) return [];
  return names.flatMap((raw) => {
    const name = raw.replace(/^:/, '');
    const meta: PropertyMetadata | undefined = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype, name);
    const nested = !meta?.isArray && typeof meta?.type === 'function' ? declaredColumns(meta.type, `${prefix}${name}.`, depth + 1) : [];
    return nested.length > 0 ? nested : [`${prefix}${name}`];
  });
}

/** The element type a handler documents with `@ApiOkResponse({ type, isArray: true })`, if any. */
export function documentedListType(handler: object): unknown {
  const responses: Record<string, PropertyMetadata> | undefined = Reflect.getMetadata(DECORATORS.API_RESPONSE, handler);
  const ok = responses?.['200'] ?? responses?.['default'];
  return ok?.isArray ? ok.type : undefined;
}

import { ClassConstructor } from 'class-transformer';
import { readListBody as readList } from '../../http/request-fields';

export { invalidField, readBody } from '../../http/request-fields';

/** Most items one edited list may hold (the web app shows a handful). */
export const MAX_LAYOUT_ITEMS = 200;

/** A JSON array body of at most MAX_LAYOUT_ITEMS items, each validated as `cls`. */
export function readListBody<T extends object>(cls: ClassConstructor<T>, body: unknown): T[] {
  return readList(cls, body, MAX_LAYOUT_ITEMS);
}

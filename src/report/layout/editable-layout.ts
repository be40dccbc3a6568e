import { Logger, NotFoundException } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { byOrder, nextId } from '../services/report-schema';
import { invalidField } from './layout-body';
import { ReportLayoutKind, ReportLayoutRepository } from './report-layout.repository';

/** What every edited item has: a numeric id and a display order. */
export interface LayoutItem {
  id: number;
  order: number;
}

/**
 * One list an organiser edits (leaderboard columns or chart widgets), as the web app's starter
 * edits its local copy: list, add (a new id), replace all, update or remove one by id, reset.
 * Until the first edit the list is `derived` (from the competition); reset goes back to it.
 *
 * @example
 *   const added = await columns.add({ type: 'VALUE', property: 'score_week', ... }); // { id: 6, ... }
 *   await columns.reset();
 */
export class EditableLayout<T extends LayoutItem> {
  private readonly logger: Logger;

  constructor(
    private readonly repository: ReportLayoutRepository,
    private readonly competitionId: string,
    private readonly kind: ReportLayoutKind,
    /** The item class: stored rows are validated against it on the way out. */
    private readonly itemClass: ClassConstructor<T>,
    private readonly derived: readonly T[],
    /** How an item is named in messages ("leaderboard column"). */
    private readonly noun: string,
  ) {
    this.logger = new Logger(`ReportLayout:${kind}`);
  }

  async list(): Promise<T[]> {
    return this.current(await this.repository.read(this.competitionId, this.kind));
  }

  async add(input: Omit<T, 'id'>): Promise<T> {
    return this.repository.change(this.competitionId, this.kind, (s) => this.current(s), (items) => {
      const item = { ...input, id: nextId(items) } as T;
      return { items: byOrder([...items, item]), result: item };
    });
  }

  async replace(items: T[]): Promise<void> {
    const seen = new Set<number>();
    items.forEach((item, i) => {
      if (seen.has(item.id)) throw invalidField(`[${i}].id`, `id ${item.id} appears twice`);
      seen.add(item.id);
    });
    await this.repository.change(this.competitionId, this.kind, (s) => this.current(s), () => ({ items: byOrder([...items]), result: undefined }));
  }

  async update(id: number, input: Omit<T, 'id'>): Promise<T> {
    const updated = await this.repository.change(this.competitionId, this.kind, (s) => this.current(s), (items) => {
      const index = items.findIndex((i) => i.id === id);
      if (index === -1) return { result: undefined };
      const item = { ...input, id } as T;
      const next = [...items];
      next[index] = item;
      return { items: byOrder(next), result: item };
    });
    if (!updated) throw this.notFound(id);
    return updated;
  }

  async remove(id: number): Promise<void> {
    const removed = await this.repository.change(this.competitionId, this.kind, (s) => this.current(s), (items) => {
      const next = items.filter((i) => i.id !== id);
      return next.length === items.length ? { result: false } : { items: next, result: true };
    });
    if (!removed) throw this.notFound(id);
  }

  async reset(): Promise<void> {
    await this.repository.remove(this.competitionId, this.kind);
  }

  /** The stored list (items that no longer validate are dropped and logged), or the derived one. */
  private current(stored: unknown[] | null): T[] {
    if (stored === null) return this.derived.map((item) => ({ ...item }));
    const items: T[] = [];
    stored.forEach((raw, index) => {
      const item = typeof raw === 'object' && raw !== null ? plainToInstance(this.itemClass, raw) : undefined;
      if (item && validateSync(item, { whitelist: true, forbidUnknownValues: true }).length === 0) items.push({ ...item });
      else this.logger.warn(`stored ${this.noun} #${index} of ${this.competitionId} is not valid; not served`);
    });
    return items;
  }

  private notFound(id: number): NotFoundException {
    return new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no ${this.noun} with id ${id}` });
  }
}

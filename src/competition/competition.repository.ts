import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CompetitionDefinition } from '../config/competition/competition.types';

/** The `competitions` row: the competition's id, name and the definition it runs with. */
@Injectable()
export class CompetitionRepository {
  /** Inserts or updates the row of this competition (id never changes). */
  async upsert(manager: EntityManager, definition: CompetitionDefinition): Promise<void> {
    await manager.query(
      `INSERT INTO competitions (id, name, definition) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, definition = EXCLUDED.definition, updated_at = now()
       WHERE competitions.name IS DISTINCT FROM EXCLUDED.name OR competitions.definition IS DISTINCT FROM EXCLUDED.definition`,
      [definition.id, definition.name, JSON.stringify(definition)],
    );
  }
}

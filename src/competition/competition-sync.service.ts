import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { COMPETITION } from '../config/competition/competition.tokens';
import { CompetitionDefinition } from '../config/competition/competition.types';
import { CompetitionRepository } from './competition.repository';
import { CompetitionSyncError } from './competition-sync.errors';
import { PredictionConfigRepository } from './prediction-config.repository';

/** What one sync changed, for the start-up log. */
export interface CompetitionSyncSummary {
  competitionId: string;
  configs: number;
  deactivated: number;
}

/**
 * Writes the competition definition (the file is the source of truth) into the database at
 * start, idempotently: the competition row is upserted, each prediction config is upserted by
 * its parameter set (ids kept), and configs no longer in the file are deactivated, never
 * deleted, so their history stays readable. Runs before any module that reads configs starts
 * (Nest awaits `onModuleInit` of imported modules first); `synced()` waits for it explicitly.
 *
 * @example
 *   await competitionSync.synced();
 *   const configs = await predictionConfigs.active(definition.id);
 */
@Injectable()
export class CompetitionSyncService implements OnModuleInit {
  private readonly logger = new Logger(CompetitionSyncService.name);
  private done?: Promise<CompetitionSyncSummary>;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(COMPETITION) private readonly definition: CompetitionDefinition,
    private readonly competitions: CompetitionRepository,
    private readonly configs: PredictionConfigRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    const summary = await this.synced();
    this.logger.log(
      `competition ${summary.competitionId}: ${summary.configs} prediction config(s) synced` +
        (summary.deactivated ? `, ${summary.deactivated} no longer in the file deactivated` : ''),
    );
  }

  /** Resolves once the definition of this process has been written (syncs on first call). */
  synced(): Promise<CompetitionSyncSummary> {
    this.done ??= this.sync(this.definition);
    return this.done;
  }

  /** Writes `definition` now; safe to repeat (a second run with the same file changes nothing). */
  async sync(definition: CompetitionDefinition): Promise<CompetitionSyncSummary> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.competitions.upsert(manager, definition);
        for (const config of definition.predictions) await this.configs.upsert(manager, definition.id, config);
        const deactivated = await this.configs.deactivateAllExcept(manager, definition.id, definition.predictions);
        return { competitionId: definition.id, configs: definition.predictions.length, deactivated };
      });
    } catch (error) {
      throw new CompetitionSyncError(definition.id, (error as Error).message, error);
    }
  }
}

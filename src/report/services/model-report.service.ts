import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { LocalOrchestratorHandle } from '../../model-orchestration/model-orchestration.module';
import { ModelRegistryRepository, RegisteredModel } from '../../predict/registry/model-registry.repository';
import { PredictionRoundRepository } from '../../predict/round/prediction-round.repository';
import { shortReason } from '../../score/failure-reason';
import { MODEL_HEALTH_DEFAULT_HOURS, ModelHealthDto } from '../dto/model-health.dto';
import { ModelDto, MODELS_MAX_LIMIT } from '../dto/model.dto';
import { isoUtc, isoUtcOrNull } from '../read-model/iso-utc';
import { invalidParameter } from '../query/report-validation.pipe';
import { Paged, splitPage } from './paged';

const NO_PREDICTIONS = { SUCCESS: 0, FAILED: 0, TIMEOUT: 0, ABSENT: 0 };

/**
 * The competition's models and how their prediction calls went.
 *
 * @example
 *   const { items } = await models.health({ since: new Date(Date.now() - 3600_000) });
 *   items[0].counts // { SUCCESS: 57, FAILED: 1, TIMEOUT: 2, ABSENT: 0 }
 */
@Injectable()
export class ModelReportService {
  constructor(
    private readonly registry: ModelRegistryRepository,
    private readonly predictions: PredictionRoundRepository,
    private readonly clock: Clock,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    /** Present where this process hosts the models (local orchestrator): why a configured model is not running. */
    @Optional() private readonly localOrchestrator?: LocalOrchestratorHandle,
  ) {}

  async models(page: { limit?: number; offset?: number }): Promise<Paged<ModelDto>> {
    const offset = page.offset ?? 0;
    const limit = page.limit ?? MODELS_MAX_LIMIT;
    const result = splitPage(await this.registry.models(this.competition.id, { limit: limit + 1, offset }), limit);
    return { items: result.rows.map(modelDto), page: { hasMore: result.hasMore, nextOffset: offset + result.rows.length } };
  }

  async health(query: { since?: Date; until?: Date; limit?: number; offset?: number }): Promise<Paged<ModelHealthDto>> {
    const until = query.until ?? this.clock.now();
    const since = query.since ?? new Date(until.getTime() - MODEL_HEALTH_DEFAULT_HOURS * 3600_000);
    if (since.getTime() > until.getTime()) throw invalidParameter('since', 'must not be after until (until defaults to now)');
    const offset = query.offset ?? 0;
    const limit = query.limit ?? MODELS_MAX_LIMIT;
    const result = splitPage(await this.registry.models(this.competition.id, { limit: limit + 1, offset }), limit);
    const health = await this.predictions.health(result.rows.map((m) => m.id), since, until);
    const ms = (us: number | null) => (us === null ? null : Math.round(us) / 1000);
    const notRunning = new Map((this.localOrchestrator?.notRunning() ?? []).flatMap((n) => (n.modelId === null ? [] : [[n.modelId, n.reason] as const])));
    const items: ModelHealthDto[] = result.rows.map((m) => {
      const h = health.get(m.id);
      const counts = h?.counts ?? NO_PREDICTIONS;
      const total = counts.SUCCESS + counts.FAILED + counts.TIMEOUT + counts.ABSENT;
      return {
        model_id: m.id,
        model_name: m.name,
        cruncher_name: m.cruncherName,
        state: m.state,
        left_at: isoUtcOrNull(m.leftAt),
        counts: { SUCCESS: counts.SUCCESS, FAILED: counts.FAILED, TIMEOUT: counts.TIMEOUT, ABSENT: counts.ABSENT },
        total,
        success_rate: total === 0 ? null : counts.SUCCESS / total,
        exec_time: { avg_ms: ms(h?.execAvgUs ?? null), p50_ms: ms(h?.execP50Us ?? null), p95_ms: ms(h?.execP95Us ?? null), max_ms: ms(h?.execMaxUs ?? null) },
        last_status: h?.lastStatus ?? null,
        last_performed_at: isoUtcOrNull(h?.lastPerformedAt ?? null),
        last_failure_reason: shortReason(h?.lastFailureReason ?? null),
        setup_failure: shortReason(notRunning.get(m.id) ?? null),
        since: isoUtc(since),
        until: isoUtc(until),
      };
    });
    if (offset === 0 && notRunning.size > 0) items.push(...(await this.unregisteredNotRunning(notRunning, since, until)));
    return { items, page: { hasMore: result.hasMore, nextOffset: offset + result.rows.length } };
  }

  /**
   * Configured models the orchestrator never announced (they failed before running: a bad models
   * entry, a missing interpreter, a failed build), listed on the first page with their reason so
   * an organiser sees them beside the running ones.
   */
  private async unregisteredNotRunning(notRunning: ReadonlyMap<string, string>, since: Date, until: Date): Promise<ModelHealthDto[]> {
    const registered = new Set((await this.registry.models(this.competition.id)).map((m) => m.id));
    return [...notRunning]
      .filter(([modelId]) => !registered.has(modelId))
      .map(([modelId, reason]) => ({
        model_id: modelId,
        model_name: modelId,
        cruncher_name: '',
        state: 'NOT_RUNNING',
        left_at: null,
        counts: { ...NO_PREDICTIONS },
        total: 0,
        success_rate: null,
        exec_time: { avg_ms: null, p50_ms: null, p95_ms: null, max_ms: null },
        last_status: null,
        last_performed_at: null,
        last_failure_reason: null,
        setup_failure: shortReason(reason),
        since: isoUtc(since),
        until: isoUtc(until),
      }));
  }
}

/** The seed's model fields, all strings. */
function modelDto(m: RegisteredModel): ModelDto {
  return { model_id: m.id, model_name: m.name, cruncher_name: m.cruncherName, cruncher_id: m.cruncherId, deployment_id: m.deploymentId };
}

import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { MODEL_HEALTH_DEFAULT_HOURS, ModelHealthDto } from '../dto/model-health.dto';
import { ModelDto, MODELS_MAX_LIMIT } from '../dto/model.dto';
import { isoUtc, isoUtcOrNull } from '../read-model/json-fields';
import { shortReason } from '../../score/failure-reason';
import { invalidParameter } from '../query/report-validation.pipe';
import { ReportRepository } from '../report.repository';
import { Paged } from './score-history.service';

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
    private readonly repository: ReportRepository,
    private readonly clock: Clock,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
  ) {}

  async models(page: { limit?: number; offset?: number }): Promise<Paged<ModelDto>> {
    const offset = page.offset ?? 0;
    const result = await this.repository.models(this.competition.id, page.limit ?? MODELS_MAX_LIMIT, offset);
    return {
      items: result.rows.map((m) => ({
        model_id: m.id,
        model_name: m.name,
        cruncher_name: m.cruncher_name,
        cruncher_id: m.cruncher_id,
        deployment_id: m.deployment_id,
      })),
      page: { hasMore: result.hasMore, nextOffset: offset + result.rows.length },
    };
  }

  async health(query: { since?: Date; until?: Date; limit?: number; offset?: number }): Promise<Paged<ModelHealthDto>> {
    const until = query.until ?? this.clock.now();
    const since = query.since ?? new Date(until.getTime() - MODEL_HEALTH_DEFAULT_HOURS * 3600_000);
    if (since.getTime() > until.getTime()) throw invalidParameter('since', 'must not be after until (until defaults to now)');
    const offset = query.offset ?? 0;
    const result = await this.repository.modelHealth(this.competition.id, since, until, query.limit ?? MODELS_MAX_LIMIT, offset);
    const ms = (us: number | null) => (us === null ? null : Math.round(us) / 1000);
    const items = result.rows.map((r) => {
      const total = r.success + r.failed + r.timeout + r.absent;
      return {
        model_id: r.model_id,
        model_name: r.model_name,
        cruncher_name: r.cruncher_name,
        state: r.state,
        left_at: isoUtcOrNull(r.left_at),
        counts: { SUCCESS: r.success, FAILED: r.failed, TIMEOUT: r.timeout, ABSENT: r.absent },
        total,
        success_rate: total === 0 ? null : r.success / total,
        exec_time: { avg_ms: ms(r.exec_avg_us), p50_ms: ms(r.exec_p50_us), p95_ms: ms(r.exec_p95_us), max_ms: ms(r.exec_max_us) },
        last_status: r.last_status,
        last_performed_at: isoUtcOrNull(r.last_performed_at),
        last_failure_reason: shortReason(r.last_failure_reason),
        since: isoUtc(since),
        until: isoUtc(until),
      };
    });
    return { items, page: { hasMore: result.hasMore, nextOffset: offset + result.rows.length } };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { GlobalScoreDto, ParamScoreDto, SCORE_SERIES_MAX_LIMIT } from '../dto/time-series.dto';
import { SnapshotDto, SNAPSHOTS_DEFAULT_LIMIT } from '../dto/snapshot.dto';
import { finiteOrNull, isoUtc } from '../read-model/json-fields';
import { readSnapshotParam } from '../read-model/snapshot-params';
import { readWindowScores } from '../read-model/window-scores';
import { decodePageCursor, encodePageCursor } from '../query/page-cursor';
import { PageInfo } from '../query/page-headers';
import { TimeRange } from '../query/time-range';
import { ReportRepository } from '../report.repository';

export interface Paged<T> {
  items: T[];
  page: PageInfo;
}

/**
 * Score history from the snapshots: overall per model, per parameter set, and raw snapshots.
 * Every result is ordered by time (the seed returned them unordered).
 *
 * @example
 *   const { items } = await history.globalScores(['m1'], { start, end }, {});
 */
@Injectable()
export class ScoreHistoryService {
  constructor(
    private readonly repository: ReportRepository,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
  ) {}

  async globalScores(modelIds: string[], range: TimeRange, page: { limit?: number; offset?: number }): Promise<Paged<GlobalScoreDto>> {
    const limit = page.limit ?? SCORE_SERIES_MAX_LIMIT;
    const offset = page.offset ?? 0;
    const result = await this.repository.globalScores(modelIds, range.start, range.end, limit, offset);
    return {
      items: result.rows.map((r) => ({
        model_id: r.model_id,
        score_recent: finiteOrNull(r.score_recent),
        score_steady: finiteOrNull(r.score_steady),
        score_anchor: finiteOrNull(r.score_anchor),
        performed_at: isoUtc(r.performed_at),
      })),
      page: { hasMore: result.hasMore, nextOffset: offset + result.rows.length },
    };
  }

  /** Elements of a snapshot's params that name no parameter set are skipped (they still count toward paging). */
  async paramScores(modelIds: string[], range: TimeRange, page: { limit?: number; offset?: number }): Promise<Paged<ParamScoreDto>> {
    const limit = page.limit ?? SCORE_SERIES_MAX_LIMIT;
    const offset = page.offset ?? 0;
    const result = await this.repository.paramScores(modelIds, range.start, range.end, limit, offset);
    const windowNames = this.windowNames();
    const items: ParamScoreDto[] = [];
    for (const r of result.rows) {
      const param = readSnapshotParam(r.param, windowNames);
      if (!param) continue;
      items.push({
        model_id: r.model_id,
        param: param.param,
        asset: param.asset,
        horizon: param.horizon,
        step: param.step,
        score_recent: param.windows.recent?.value ?? null,
        score_steady: param.windows.steady?.value ?? null,
        score_anchor: param.windows.anchor?.value ?? null,
        performed_at: isoUtc(r.performed_at),
      });
    }
    return { items, page: { hasMore: result.hasMore, nextOffset: offset + result.rows.length } };
  }

  async snapshots(filter: { modelId?: string; since?: Date; until?: Date; cursor?: string }, limit = SNAPSHOTS_DEFAULT_LIMIT): Promise<Paged<SnapshotDto>> {
    const cursor = filter.cursor === undefined ? undefined : decodePageCursor(filter.cursor);
    const result = await this.repository.snapshots({ modelId: filter.modelId, since: filter.since, until: filter.until, cursor }, limit);
    const windowNames = this.windowNames();
    const items = result.rows.map((r) => ({
      id: r.id,
      model_id: r.model_id,
      performed_at: isoUtc(r.performed_at),
      score_recent: finiteOrNull(r.score_recent),
      score_steady: finiteOrNull(r.score_steady),
      score_anchor: finiteOrNull(r.score_anchor),
      windows: readWindowScores(r as unknown as Record<string, unknown>, windowNames, r.windows),
      params: (Array.isArray(r.params) ? r.params : []).map((p) => readSnapshotParam(p, windowNames)).filter((p) => p !== undefined),
    }));
    const last = result.rows[result.rows.length - 1];
    return { items, page: { hasMore: result.hasMore, nextCursor: last ? encodePageCursor({ at: last.cursor_at, id: last.id }) : undefined } };
  }

  private windowNames(): string[] {
    return this.competition.scoring.windows.map((w) => w.name);
  }
}

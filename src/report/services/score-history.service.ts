import { Inject, Injectable } from '@nestjs/common';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { finiteOrNull } from '../../database/stored-json';
import { ScoreSnapshotRepository, SnapshotParamScore, SnapshotScores } from '../../score/score-snapshot.repository';
import { GlobalScoreDto, ParamScoreDto, SCORE_SERIES_MAX_LIMIT } from '../dto/time-series.dto';
import { SnapshotDto, SNAPSHOTS_DEFAULT_LIMIT } from '../dto/snapshot.dto';
import { isoUtc } from '../read-model/iso-utc';
import { seedColumn, windowScoreDtos } from '../read-model/window-score-dto';
import { decodePageCursor, encodePageCursor } from '../query/page-cursor';
import { TimeRange } from '../query/time-range';
import { isChartRequest, samplingBucketSeconds } from './chart-sampling';
import { Paged, splitPage } from './paged';

/**
 * Score history from the snapshots: overall per model, per parameter set, and raw snapshots.
 * Every result is ordered by time (the seed returned them unordered). A chart's request (no
 * limit or offset) gets the whole range in one body, downsampled when it does not fit (see
 * isChartRequest).
 *
 * @example
 *   const { items } = await history.globalScores(['m1'], { start, end }, {});
 */
@Injectable()
export class ScoreHistoryService {
  constructor(
    private readonly repository: ScoreSnapshotRepository,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
  ) {}

  async globalScores(modelIds: string[], range: TimeRange, page: { limit?: number; offset?: number }): Promise<Paged<GlobalScoreDto>> {
    if (isChartRequest(page)) {
      const max = SCORE_SERIES_MAX_LIMIT;
      if ((await this.repository.countSeedScores(modelIds, range.start, range.end, max)) > max) {
        const bucketSeconds = samplingBucketSeconds(range, modelIds.length, max);
        const rows = await this.repository.sampledSeedScores(modelIds, range.start, range.end, bucketSeconds, max);
        return { items: rows.map(globalScoreDto), page: { hasMore: false, downsampledSeconds: bucketSeconds } };
      }
    }
    const limit = page.limit ?? SCORE_SERIES_MAX_LIMIT;
    const offset = page.offset ?? 0;
    const result = splitPage(await this.repository.seedScores(modelIds, range.start, range.end, limit + 1, offset), limit);
    return { items: result.rows.map(globalScoreDto), page: { hasMore: result.hasMore, nextOffset: offset + result.rows.length } };
  }

  /** Elements of a snapshot's params that name no parameter set are skipped (they still count toward paging). */
  async paramScores(modelIds: string[], range: TimeRange, page: { limit?: number; offset?: number }): Promise<Paged<ParamScoreDto>> {
    if (isChartRequest(page)) {
      const max = SCORE_SERIES_MAX_LIMIT;
      if ((await this.repository.countParamScores(modelIds, range.start, range.end, max)) > max) {
        const bucketSeconds = samplingBucketSeconds(range, modelIds.length * this.competition.predictions.length, max);
        const rows = await this.repository.sampledParamScores(modelIds, range.start, range.end, bucketSeconds, max);
        return { items: this.paramScoreDtos(rows), page: { hasMore: false, downsampledSeconds: bucketSeconds } };
      }
    }
    const limit = page.limit ?? SCORE_SERIES_MAX_LIMIT;
    const offset = page.offset ?? 0;
    const result = splitPage(await this.repository.paramScores(modelIds, range.start, range.end, limit + 1, offset), limit);
    return { items: this.paramScoreDtos(result.rows), page: { hasMore: result.hasMore, nextOffset: offset + result.rows.length } };
  }

  private paramScoreDtos(rows: readonly SnapshotParamScore[]): ParamScoreDto[] {
    const names = this.windowNames();
    const items: ParamScoreDto[] = [];
    for (const { modelId, performedAt, param } of rows) {
      if (!param) continue;
      const windows = windowScoreDtos(param.windows, names);
      items.push({
        model_id: modelId,
        param: param.param,
        asset: param.asset,
        horizon: param.horizon,
        step: param.step,
        score_recent: windows.recent?.value ?? null,
        score_steady: windows.steady?.value ?? null,
        score_anchor: windows.anchor?.value ?? null,
        performed_at: isoUtc(performedAt),
      });
    }
    return items;
  }

  async snapshots(filter: { modelId?: string; since?: Date; until?: Date; cursor?: string }, limit = SNAPSHOTS_DEFAULT_LIMIT): Promise<Paged<SnapshotDto>> {
    const after = filter.cursor === undefined ? undefined : decodePageCursor(filter.cursor);
    const result = splitPage(await this.repository.list({ modelId: filter.modelId, since: filter.since, until: filter.until, after }, limit + 1), limit);
    const names = this.windowNames();
    const items = result.rows.map((s) => ({
      id: s.id,
      model_id: s.modelId,
      performed_at: isoUtc(s.performedAt),
      score_recent: finiteOrNull(s.scoreRecent),
      score_steady: finiteOrNull(s.scoreSteady),
      score_anchor: finiteOrNull(s.scoreAnchor),
      windows: windowScoreDtos(s.windows, names, (name) => seedColumn(s, name)),
      params: s.params.map((p) => ({ param: p.param, asset: p.asset, horizon: p.horizon, step: p.step, windows: windowScoreDtos(p.windows, names) })),
    }));
    const last = result.rows[result.rows.length - 1];
    return { items, page: { hasMore: result.hasMore, nextCursor: last ? encodePageCursor({ at: last.cursorAt, id: last.id }) : undefined } };
  }

  private windowNames(): string[] {
    return this.competition.scoring.windows.map((w) => w.name);
  }
}

function globalScoreDto(r: SnapshotScores): GlobalScoreDto {
  return {
    model_id: r.modelId,
    score_recent: finiteOrNull(r.scoreRecent),
    score_steady: finiteOrNull(r.scoreSteady),
    score_anchor: finiteOrNull(r.scoreAnchor),
    performed_at: isoUtc(r.performedAt),
  };
}

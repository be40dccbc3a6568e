import { Inject, Injectable } from '@nestjs/common';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition, paramKey } from '../../config/competition/competition.types';
import { finiteOrNull } from '../../database/stored-json';
import { PredictionRoundRepository } from '../../predict/round/prediction-round.repository';
import { ScoredPrediction } from '../../predict/round/prediction-round';
import { shortReason } from '../../score/failure-reason';
import { PREDICTIONS_DEFAULT_LIMIT, PREDICTIONS_MAX_LIMIT, ScoredPredictionDto } from '../dto/prediction.dto';
import { isoUtc } from '../read-model/iso-utc';
import { decodePageCursor, encodePageCursor } from '../query/page-cursor';
import { TimeRange } from '../query/time-range';
import { isChartRequest, samplingBucketSeconds } from './chart-sampling';
import { Paged, splitPage } from './paged';

/**
 * Scored predictions of one or several models, newest first: one bounded page at a time, or, for
 * a chart's request (no paging parameter), the whole range in one body (see isChartRequest).
 *
 * @example
 *   const first = await predictions.scoredPredictions(['m1'], range, { limit: 100 });
 *   const next = await predictions.scoredPredictions(['m1'], range, { limit: 100, cursor: first.page.nextCursor });
 */
@Injectable()
export class PredictionHistoryService {
  constructor(
    private readonly predictions: PredictionRoundRepository,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
  ) {}

  async scoredPredictions(modelIds: readonly string[], range: TimeRange, page: { limit?: number; cursor?: string; offset?: number }): Promise<Paged<ScoredPredictionDto>> {
    if (isChartRequest(page)) return this.chartBody(modelIds, range);
    const limit = page.limit ?? PREDICTIONS_DEFAULT_LIMIT;
    const after = page.cursor === undefined ? undefined : decodePageCursor(page.cursor);
    const offset = after ? 0 : (page.offset ?? 0);
    const result = splitPage(await this.predictions.scoredPredictions(modelIds, range.start, range.end, limit + 1, { after, offset }), limit);
    const last = result.rows[result.rows.length - 1];
    return {
      items: result.rows.map(scoredPredictionDto),
      page: {
        hasMore: result.hasMore,
        nextCursor: last ? encodePageCursor({ at: last.cursorAt, id: last.id }) : undefined,
        nextOffset: after ? undefined : offset + result.rows.length,
      },
    };
  }

  private async chartBody(modelIds: readonly string[], range: TimeRange): Promise<Paged<ScoredPredictionDto>> {
    const count = await this.predictions.countScoredPredictions(modelIds, range.start, range.end, PREDICTIONS_MAX_LIMIT);
    if (count <= PREDICTIONS_MAX_LIMIT) {
      const rows = await this.predictions.scoredPredictions(modelIds, range.start, range.end, PREDICTIONS_MAX_LIMIT, { offset: 0 });
      return { items: rows.map(scoredPredictionDto), page: { hasMore: false } };
    }
    const bucketSeconds = samplingBucketSeconds(range, modelIds.length * this.competition.predictions.length, PREDICTIONS_MAX_LIMIT);
    const rows = await this.predictions.sampledScoredPredictions(modelIds, this.competition.predictions, range.start, range.end, bucketSeconds, PREDICTIONS_MAX_LIMIT);
    return { items: rows.map(scoredPredictionDto), page: { hasMore: false, downsampledSeconds: bucketSeconds } };
  }
}

/** The seed's fields, with `score_success` beside `score_failed` (the web app's alert field). */
function scoredPredictionDto(r: ScoredPrediction): ScoredPredictionDto {
  const success = r.scoreSuccess === true;
  return {
    model_id: r.modelId,
    param: paramKey(r),
    asset: r.asset,
    horizon: r.horizon,
    step: r.step,
    score_value: finiteOrNull(r.scoreValue),
    score_failed: !success,
    score_success: success,
    score_failed_reason: success ? null : shortReason(r.scoreFailedReason),
    scored_at: isoUtc(r.scoredAt),
    performed_at: isoUtc(r.performedAt),
  };
}

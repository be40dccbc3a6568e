import { Injectable } from '@nestjs/common';
import { paramKey } from '../../config/competition/competition.types';
import { finiteOrNull } from '../../database/stored-json';
import { PredictionRoundRepository } from '../../predict/round/prediction-round.repository';
import { shortReason } from '../../score/failure-reason';
import { PREDICTIONS_DEFAULT_LIMIT, ScoredPredictionDto } from '../dto/prediction.dto';
import { isoUtc } from '../read-model/iso-utc';
import { decodePageCursor, encodePageCursor } from '../query/page-cursor';
import { TimeRange } from '../query/time-range';
import { Paged, splitPage } from './paged';

/**
 * One model's scored predictions, newest first, one bounded page at a time.
 *
 * @example
 *   const first = await predictions.scoredPredictions('m1', range, { limit: 100 });
 *   const next = await predictions.scoredPredictions('m1', range, { limit: 100, cursor: first.page.nextCursor });
 */
@Injectable()
export class PredictionHistoryService {
  constructor(private readonly predictions: PredictionRoundRepository) {}

  async scoredPredictions(modelId: string, range: TimeRange, page: { limit?: number; cursor?: string; offset?: number }): Promise<Paged<ScoredPredictionDto>> {
    const limit = page.limit ?? PREDICTIONS_DEFAULT_LIMIT;
    const after = page.cursor === undefined ? undefined : decodePageCursor(page.cursor);
    const offset = after ? 0 : (page.offset ?? 0);
    const result = splitPage(await this.predictions.scoredPredictions(modelId, range.start, range.end, limit + 1, { after, offset }), limit);
    const items = result.rows.map((r) => ({
      model_id: r.modelId,
      param: paramKey(r),
      asset: r.asset,
      horizon: r.horizon,
      step: r.step,
      score_value: finiteOrNull(r.scoreValue),
      score_failed: r.scoreSuccess !== true,
      score_failed_reason: r.scoreSuccess === true ? null : shortReason(r.scoreFailedReason),
      scored_at: isoUtc(r.scoredAt),
      performed_at: isoUtc(r.performedAt),
    }));
    const last = result.rows[result.rows.length - 1];
    return {
      items,
      page: {
        hasMore: result.hasMore,
        nextCursor: last ? encodePageCursor({ at: last.cursorAt, id: last.id }) : undefined,
        nextOffset: after ? undefined : offset + result.rows.length,
      },
    };
  }
}

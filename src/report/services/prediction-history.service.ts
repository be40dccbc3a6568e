import { Injectable } from '@nestjs/common';
import { paramKey } from '../../config/competition/competition.types';
import { PREDICTIONS_DEFAULT_LIMIT, ScoredPredictionDto } from '../dto/prediction.dto';
import { finiteOrNull, isoUtc } from '../read-model/json-fields';
import { shortReason } from '../../score/failure-reason';
import { decodePageCursor, encodePageCursor } from '../query/page-cursor';
import { TimeRange } from '../query/time-range';
import { ReportRepository } from '../report.repository';
import { Paged } from './score-history.service';

/**
 * One model's scored predictions, newest first, one bounded page at a time.
 *
 * @example
 *   const first = await predictions.scoredPredictions('m1', range, { limit: 100 });
 *   const next = await predictions.scoredPredictions('m1', range, { limit: 100, cursor: first.page.nextCursor });
 */
@Injectable()
export class PredictionHistoryService {
  constructor(private readonly repository: ReportRepository) {}

  async scoredPredictions(modelId: string, range: TimeRange, page: { limit?: number; cursor?: string; offset?: number }): Promise<Paged<ScoredPredictionDto>> {
    const limit = page.limit ?? PREDICTIONS_DEFAULT_LIMIT;
    const cursor = page.cursor === undefined ? undefined : decodePageCursor(page.cursor);
    const offset = cursor ? 0 : (page.offset ?? 0);
    const result = await this.repository.scoredPredictions(modelId, range.start, range.end, limit, { cursor, offset });
    const items = result.rows.map((r) => ({
      model_id: r.model_id,
      param: paramKey(r),
      asset: r.asset,
      horizon: r.horizon,
      step: r.step,
      score_value: finiteOrNull(r.score_value),
      score_failed: r.score_success !== true,
      score_failed_reason: r.score_success === true ? null : shortReason(r.score_failed_reason),
      scored_at: isoUtc(r.scored_at),
      performed_at: isoUtc(r.performed_at),
    }));
    const last = result.rows[result.rows.length - 1];
    return {
      items,
      page: {
        hasMore: result.hasMore,
        nextCursor: last ? encodePageCursor({ at: last.cursor_at, id: last.id }) : undefined,
        nextOffset: cursor ? undefined : offset + result.rows.length,
      },
    };
  }
}

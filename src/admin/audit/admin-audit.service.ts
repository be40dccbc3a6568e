import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { AdminActionRepository } from './admin-action.repository';

/** What an admin route is about to do, for the audit trail. */
export interface AdminActionRequest {
  /** The calling key's id (`@CallerKey()`). */
  keyId: string;
  /** A stable verb-like name: `model.disable`, `round.void`, `checkpoint.move`. */
  action: string;
  /** What it acts on (a model id, a round id, a checkpoint id), or null. */
  target: string | null;
  /** The validated request parameters (never a secret). */
  parameters: Record<string, unknown>;
}

/**
 * Every admin action runs through `perform`, which records it in `admin_actions` whether it
 * succeeds or fails (a refused move is an action too), then returns or rethrows.
 *
 * @example
 *   return this.audit.perform({ keyId, action: 'model.disable', target: modelId, parameters: { reason } }, () => this.models.disable(modelId, reason));
 */
@Injectable()
export class AdminAuditService {
  private readonly logger = new Logger(AdminAuditService.name);

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly actions: AdminActionRepository,
  ) {}

  async perform<T>(request: AdminActionRequest, act: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await act();
    } catch (error) {
      await this.record(request, 'failed', { error: describe(error) });
      throw error;
    }
    await this.record(request, 'succeeded', result);
    return result;
  }

  private async record(request: AdminActionRequest, outcome: 'succeeded' | 'failed', result: unknown): Promise<void> {
    await this.actions.append({ competitionId: this.competition.id, ...request, outcome, result: result === undefined ? null : result });
    this.logger.log({ msg: 'admin action', keyId: request.keyId, action: request.action, target: request.target, outcome });
  }
}

function describe(error: unknown): { status?: number; message: string } {
  if (error instanceof HttpException) {
    const body = error.getResponse();
    const message = typeof body === 'object' && body !== null && 'message' in body ? String((body as { message: unknown }).message) : error.message;
    return { status: error.getStatus(), message };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

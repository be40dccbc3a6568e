import { Body, ConflictException, Controller, HttpCode, NotFoundException, Param, Post, Put, UnprocessableEntityException, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CallerKey, RequireTier } from '../../auth/access-tier';
import { CheckpointDetailDto, CheckpointIdParam, CheckpointSummaryDto, mapCheckpointDetail, mapCheckpointSummary } from '../../report/dto/checkpoint.dto';
import { BadRequestDto } from '../../report/dto/error.dto';
import { Checkpoint, CheckpointNotFoundError, IllegalCheckpointMoveError } from '../../rewards/checkpoints/checkpoint';
import { CheckpointRepository } from '../../rewards/checkpoints/checkpoint.repository';
import { CheckpointStatusService } from '../../rewards/checkpoints/checkpoint-status.service';
import { RewardComputationError } from '../../rewards/reward.errors';
import { adminValidationPipe } from '../admin-validation.pipe';
import { AdminAuditService } from '../audit/admin-audit.service';
import { CheckpointConflictDto, CheckpointMoveBody, CheckpointPoolBody } from './checkpoint-admin.dto';

/**
 * A checkpoint's pool and status, through CheckpointStatusService (the same rules and history as
 * the `checkpoint` CLI); the calling key's id is recorded as the actor of every move. Audited.
 */
@ApiTags('admin')
@RequireTier('admin')
@Controller('admin/checkpoints')
@UsePipes(adminValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto, description: 'A bad id or body field, named in `fields`.' })
@ApiNotFoundResponse({ description: 'No such checkpoint.' })
@ApiConflictResponse({ type: CheckpointConflictDto, description: 'The move (or pool change) is not allowed from the current status, named in the message and in `current_status`.' })
export class AdminCheckpointsController {
  constructor(
    private readonly status: CheckpointStatusService,
    private readonly repository: CheckpointRepository,
    private readonly audit: AdminAuditService,
  ) {}

  @Put(':id/pool')
  @ApiOperation({
    summary: "Set a checkpoint's pool",
    description: 'Only while PENDING (before SUBMITTED; 409 otherwise). Recomputes its payouts and payout commitment from its frozen leaderboard, leaving out excluded models; recorded as a move PENDING -> PENDING.',
  })
  @ApiOkResponse({ type: CheckpointDetailDto })
  @ApiUnprocessableEntityResponse({ description: 'The reward function refused the frozen leaderboard (e.g. a required benchmark is missing).' })
  async setPool(@Param() { id }: CheckpointIdParam, @Body() { pool }: CheckpointPoolBody, @CallerKey() keyId: string): Promise<CheckpointDetailDto> {
    const changed = await this.audit.perform({ keyId, action: 'checkpoint.pool', target: id, parameters: { pool } }, () => this.change(() => this.status.setPool(id, pool, keyId)));
    return this.detail(changed.id);
  }

  @Post(':id/status')
  @HttpCode(200)
  @ApiOperation({
    summary: "Move a checkpoint's status",
    description: 'PENDING -> SUBMITTED -> CLAIMABLE -> PAID, or FAILED from any status that is not final. SUBMITTED needs payouts (a pool). Each move is recorded with the key id and the time.',
  })
  @ApiOkResponse({ type: CheckpointDetailDto })
  async move(@Param() { id }: CheckpointIdParam, @Body() { to, note }: CheckpointMoveBody, @CallerKey() keyId: string): Promise<CheckpointDetailDto> {
    const changed = await this.audit.perform({ keyId, action: 'checkpoint.move', target: id, parameters: { to, note: note ?? null } }, () =>
      this.change(() => this.status.move(id, to, keyId, note ?? null)),
    );
    return this.detail(changed.id);
  }

  /** Runs the change; its summary is what the audit trail records (not the payouts). The service's errors become their HTTP answers. */
  private async change(act: () => Promise<Checkpoint>): Promise<CheckpointSummaryDto> {
    try {
      return mapCheckpointSummary(await act());
    } catch (error) {
      if (error instanceof IllegalCheckpointMoveError) {
        throw new ConflictException({ statusCode: 409, error: 'Conflict', message: error.message, current_status: error.current });
      }
      if (error instanceof CheckpointNotFoundError) throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: error.message });
      if (error instanceof RewardComputationError) throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', message: error.message });
      throw error;
    }
  }

  private async detail(id: string): Promise<CheckpointDetailDto> {
    const checkpoint = await this.status.get(id);
    const [payouts, moves] = await Promise.all([this.repository.payouts(id), this.repository.moves(id)]);
    return mapCheckpointDetail(checkpoint, payouts, moves);
  }
}

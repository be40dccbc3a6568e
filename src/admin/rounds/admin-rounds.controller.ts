import { Body, Controller, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerKey, RequireTier } from '../../auth/access-tier';
import { BodyBadRequestDto } from '../../report/dto/error.dto';
import { invalidField, readBody } from '../../report/layout/layout-body';
import { RoundNotFoundError, RoundVoidService } from '../../score/rescore/round-void.service';
import { AdminAuditService } from '../audit/admin-audit.service';
import { mapRoundVoid, RoundVoidDto, VoidRoundDto } from './dto/void-round.dto';

const roundId = new ParseUUIDPipe({ exceptionFactory: () => invalidField('id', 'id must be a UUID') });

/** Acting on prediction rounds: voiding one after a feed glitch. */
@ApiTags('admin')
@RequireTier('admin')
@Controller('admin/rounds')
@ApiBadRequestResponse({ type: BodyBadRequestDto, description: 'The body or id is invalid; the message and `fields` name the field.' })
export class AdminRoundsController {
  constructor(
    private readonly voids: RoundVoidService,
    private readonly audit: AdminAuditService,
  ) {}

  @Post(':id/void')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Voids a round: its predictions are taken out of the windows exactly, and never scored later',
    description: 'The history since the round was scored (snapshots, commitments, leaderboards) is recomputed by a queued job (`history_job_id`). Voiding a void round changes nothing and says so (`already_void`).',
  })
  @ApiBody({ type: VoidRoundDto })
  @ApiOkResponse({ type: RoundVoidDto })
  @ApiNotFoundResponse({ description: 'No such round.' })
  async void(@Param('id', roundId) id: string, @Body() body: unknown, @CallerKey() keyId: string): Promise<RoundVoidDto> {
    const { reason } = readBody(VoidRoundDto, body);
    return this.audit.perform({ keyId, action: 'round.void', target: id, parameters: { reason } }, async () => {
      try {
        return mapRoundVoid(await this.voids.voidRound(id, reason.trim(), keyId));
      } catch (error) {
        if (error instanceof RoundNotFoundError) throw new NotFoundException(error.message);
        throw error;
      }
    });
  }
}

import { Body, Controller, HttpCode, Param, Post, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CallerKey, RequireTier } from '../../auth/access-tier';
import { BadRequestDto } from '../../report/dto/error.dto';
import { AdminAuditService } from '../audit/admin-audit.service';
import { adminValidationPipe } from '../admin-validation.pipe';
import { AdminModelDto, ModelFlagBody, ModelIdParam } from './model-flag.dto';
import { ExclusionResult, ModelFlagsService } from './model-flags.service';

class ExclusionResultDto extends AdminModelDto {
  @ApiProperty({ type: [String], description: 'PENDING checkpoints whose payouts were recomputed without the model.' }) recomputed_checkpoints!: string[];
}

/** Disable / enable a model (calls) and exclude / include it (ranking and rewards). Each action is audited. */
@ApiTags('admin')
@RequireTier('admin')
@Controller('admin/models')
@UsePipes(adminValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto, description: 'A bad id or body field, named in `fields`.' })
@ApiNotFoundResponse({ description: 'The competition has no such model.' })
export class AdminModelsController {
  constructor(
    private readonly flags: ModelFlagsService,
    private readonly audit: AdminAuditService,
  ) {}

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Disable a model: no more calls',
    description:
      'From the next tick and round of the predict role (it reads the flag once per tick and per round), the model gets no tick or predict call and no prediction row; ' +
      'it is reported to the orchestrator with LOW_PERFORMANCE, which stops it. Its scores stay and it shows as `disabled` on the leaderboard. Disabling again keeps the first time and replaces the reason.',
  })
  @ApiOkResponse({ type: AdminModelDto })
  disable(@Param() { id }: ModelIdParam, @Body() { reason }: ModelFlagBody, @CallerKey() keyId: string): Promise<AdminModelDto> {
    return this.audit.perform({ keyId, action: 'model.disable', target: id, parameters: { reason } }, () => this.flags.disable(id, reason));
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Enable a disabled model',
    description:
      'Lifts the flag. A model the orchestrator stopped comes back on its next membership event (a RUNNING update or init naming it, e.g. a redeploy): it then gets its history tick and is asked from the next round. Enabling a model that is not disabled changes nothing.',
  })
  @ApiOkResponse({ type: AdminModelDto })
  enable(@Param() { id }: ModelIdParam, @CallerKey() keyId: string): Promise<AdminModelDto> {
    return this.audit.perform({ keyId, action: 'model.enable', target: id, parameters: {} }, () => this.flags.enable(id));
  }

  @Post(':id/exclude')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exclude a model from ranking and rewards (a cheater)',
    description:
      'Its predictions and scores stay. From the next leaderboard it is listed with `status: excluded` and rank null (so the seed route `/reports/leaderboard`, which lists ranked models only, omits it); ' +
      'no checkpoint computed from now pays it, and PENDING checkpoints that would have paid it are recomputed now (listed in `recomputed_checkpoints`). Submitted checkpoints are not changed.',
  })
  @ApiOkResponse({ type: ExclusionResultDto })
  exclude(@Param() { id }: ModelIdParam, @Body() { reason }: ModelFlagBody, @CallerKey() keyId: string): Promise<ExclusionResult> {
    return this.audit.perform({ keyId, action: 'model.exclude', target: id, parameters: { reason } }, () => this.flags.exclude(id, reason, keyId));
  }

  @Post(':id/include')
  @HttpCode(200)
  @ApiOperation({ summary: 'Include an excluded model again', description: 'Ranked again from the next leaderboard; paid by checkpoints computed from then on.' })
  @ApiOkResponse({ type: AdminModelDto })
  include(@Param() { id }: ModelIdParam, @CallerKey() keyId: string): Promise<AdminModelDto> {
    return this.audit.perform({ keyId, action: 'model.include', target: id, parameters: {} }, () => this.flags.include(id));
  }
}

import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { CheckpointRepository } from '../../rewards/checkpoints/checkpoint.repository';
import { EmissionsDto, mapEmissions } from '../dto/checkpoint.dto';

@ApiTags('rewards')
@Controller('reports/emissions')
export class EmissionsController {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly checkpoints: CheckpointRepository,
  ) {}

  @Get('latest')
  @ApiOperation({ summary: 'What the newest checkpoint with payouts (not FAILED) gives each model, summed over horizons' })
  @ApiOkResponse({ type: EmissionsDto })
  async latest(): Promise<EmissionsDto> {
    const checkpoint = await this.checkpoints.latestWithPayouts(this.competition.id);
    return mapEmissions(checkpoint, checkpoint === null ? [] : await this.checkpoints.payouts(checkpoint.id));
  }
}

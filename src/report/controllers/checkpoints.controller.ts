import { Controller, Get, Inject, NotFoundException, Param, Query, Res, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { CheckpointRepository } from '../../rewards/checkpoints/checkpoint.repository';
import { MerkleProofService, ProofUnavailableError } from '../../rewards/commitments/merkle-proof.service';
import {
  CheckpointDetailDto,
  CheckpointIdParam,
  CheckpointProofQuery,
  CheckpointsQuery,
  CheckpointSummaryDto,
  CHECKPOINTS_DEFAULT_LIMIT,
  mapCheckpointDetail,
  mapCheckpointSummary,
} from '../dto/checkpoint.dto';
import { BadRequestDto } from '../dto/error.dto';
import { mapProofDocument, ProofDocumentDto } from '../dto/merkle.dto';
import { PAGE_HEADERS_DOC, setPageHeaders } from '../query/page-headers';
import { reportValidationPipe } from '../query/report-validation.pipe';

/** Reward checkpoints: the frozen leaderboards, their payouts and the proofs of each payout. */
@ApiTags('rewards')
@Controller('reports/checkpoints')
@UsePipes(reportValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto })
export class CheckpointsController {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly checkpoints: CheckpointRepository,
    private readonly proofs: MerkleProofService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Reward checkpoints, newest period first', description: 'limit default 20, max 200; follow X-Next-Offset with ?offset= for the next page.' })
  @ApiOkResponse({ type: CheckpointSummaryDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async list(@Query() query: CheckpointsQuery, @Res({ passthrough: true }) res: Response): Promise<CheckpointSummaryDto[]> {
    const limit = query.limit ?? CHECKPOINTS_DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const rows = await this.checkpoints.list(this.competition.id, limit + 1, offset);
    setPageHeaders(res, { hasMore: rows.length > limit, nextOffset: offset + limit });
    return rows.slice(0, limit).map(mapCheckpointSummary);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One checkpoint: its frozen entries, payouts (float and base units), moves and roots' })
  @ApiOkResponse({ type: CheckpointDetailDto })
  @ApiNotFoundResponse({ description: 'No checkpoint with this id.' })
  async get(@Param() params: CheckpointIdParam): Promise<CheckpointDetailDto> {
    const checkpoint = await this.checkpoints.get(this.competition.id, params.id.toLowerCase());
    if (checkpoint === null) throw new NotFoundException(`no checkpoint ${params.id}`);
    const [payouts, moves] = await Promise.all([this.checkpoints.payouts(checkpoint.id), this.checkpoints.moves(checkpoint.id)]);
    return mapCheckpointDetail(checkpoint, payouts, moves);
  }

  @Get(':id/proof')
  @ApiOperation({ summary: "Inclusion proofs of a model's payouts (one per horizon) in a checkpoint", description: 'Each verifies with docs/verify_proof.py to the checkpoint\'s payouts_root and chained_root.' })
  @ApiOkResponse({ type: ProofDocumentDto, isArray: true })
  @ApiNotFoundResponse({ description: 'No such checkpoint, no payouts yet, or no payout to this model.' })
  async proof(@Param() params: CheckpointIdParam, @Query() query: CheckpointProofQuery): Promise<ProofDocumentDto[]> {
    const checkpoint = await this.checkpoints.get(this.competition.id, params.id.toLowerCase());
    if (checkpoint === null) throw new NotFoundException(`no checkpoint ${params.id}`);
    try {
      return (await this.proofs.payoutProofs(checkpoint, query.model_id)).map(mapProofDocument);
    } catch (error) {
      if (error instanceof ProofUnavailableError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}

import { Controller, Get, Inject, NotFoundException, Query, Res, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { MerkleProofService, ProofUnavailableError } from '../../rewards/commitments/merkle-proof.service';
import { ScoreCommitmentRepository } from '../../score/score-commitment.repository';
import { BadRequestDto } from '../dto/error.dto';
import { CycleCommitmentDto, CYCLES_DEFAULT_LIMIT, mapCycleCommitment, mapProofDocument, MerkleCyclesQuery, MerkleProofQuery, ProofDocumentDto } from '../dto/merkle.dto';
import { PAGE_HEADERS_DOC, setPageHeaders } from '../query/page-headers';
import { parseIsoTimestamp } from '../query/iso-timestamp';
import { reportValidationPipe } from '../query/report-validation.pipe';
import { optionalTimeRange } from '../query/time-range';

/** The scoring cycles' commitments and the inclusion proof of a model's score in one of them. */
@ApiTags('rewards')
@Controller('reports/merkle')
@UsePipes(reportValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto })
export class MerkleController {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly commitments: ScoreCommitmentRepository,
    private readonly proofs: MerkleProofService,
  ) {}

  @Get('cycles')
  @ApiOperation({ summary: 'Committed scoring cycles (root, chained root), newest first', description: 'limit default 100, max 1000; follow X-Next-Offset with ?offset=. Roots outlive the snapshots retention prunes.' })
  @ApiOkResponse({ type: CycleCommitmentDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async cycles(@Query() query: MerkleCyclesQuery, @Res({ passthrough: true }) res: Response): Promise<CycleCommitmentDto[]> {
    const { since, until } = optionalTimeRange(query.since, query.until);
    const limit = query.limit ?? CYCLES_DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const rows = await this.commitments.list(this.competition.id, { since, until }, limit + 1, offset);
    setPageHeaders(res, { hasMore: rows.length > limit, nextOffset: offset + limit });
    return rows.slice(0, limit).map(mapCycleCommitment);
  }

  @Get('proof')
  @ApiOperation({ summary: "Inclusion proof of a model's window scores in a scoring cycle", description: "Verifies with docs/verify_proof.py to the cycle's root and chained_root." })
  @ApiOkResponse({ type: ProofDocumentDto })
  @ApiNotFoundResponse({ description: 'No cycle committed then, the model has no score in it, or its snapshots were pruned.' })
  async proof(@Query() query: MerkleProofQuery): Promise<ProofDocumentDto> {
    const cycle = parseIsoTimestamp(query.cycle)!; // validated by the DTO
    try {
      return mapProofDocument(await this.proofs.cycleProof(cycle, query.model_id));
    } catch (error) {
      if (error instanceof ProofUnavailableError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}

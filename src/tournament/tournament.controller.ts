import { Body, ConflictException, Controller, Get, Headers, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminAuditService } from '../admin/audit/admin-audit.service';
import { CallerKey, RequireTier } from '../auth/access-tier';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition, TournamentDefinition } from '../config/competition/competition.types';
import { invalidField } from '../http/request-fields';
import { BodyBadRequestDto } from '../report/dto/error.dto';
import { reportValidationPipe } from '../report/query/report-validation.pipe';
import {
  mapTournamentRound,
  mapTournamentRoundDetail,
  OpenTournamentRoundDto,
  PostTournamentTruthDto,
  TOURNAMENT_ROUNDS_DEFAULT_LIMIT,
  TournamentRoundDetailDto,
  TournamentRoundDto,
  TournamentRoundsQuery,
} from './dto/tournament-round.dto';
import { readRoundRequest, readTruthRequest, RoundPayloadError } from './round-inputs';
import { TournamentService } from './tournament.service';
import { TournamentConflictError, TournamentRoundNotFoundError, TournamentUnavailableError } from './tournament.errors';

const roundId = new ParseUUIDPipe({ exceptionFactory: () => invalidField('id', 'id must be a UUID') });

/**
 * A tournament's rounds over HTTP: operators open rounds and post their truth (admin keys, in
 * the audit trail as `tournament.round.open` / `tournament.round.truth`); anyone reads them, as
 * the other report routes.
 */
@ApiTags('tournament')
@Controller('tournament/rounds')
export class TournamentController {
  private readonly tournament: TournamentDefinition;

  constructor(
    @Inject(COMPETITION) competition: CompetitionDefinition,
    private readonly rounds: TournamentService,
    private readonly audit: AdminAuditService,
  ) {
    this.tournament = competition.tournament!;
  }

  @Post()
  @RequireTier('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Opens a round: every model is called with its inputs, and its predictions are stored as any round\'s',
    description:
      'The inputs are checked against the competition file\'s `tournament.inputs` schema. Answers when the models answered (or timed out). ' +
      'Idempotent: the same round_id (or Idempotency-Key) with the same inputs returns the round opened first (200); with other inputs, 409.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The round id, when the body has no round_id.' })
  @ApiBody({ type: OpenTournamentRoundDto })
  @ApiCreatedResponse({ type: TournamentRoundDto, description: 'The round was opened and predicted.' })
  @ApiOkResponse({ type: TournamentRoundDto, description: 'The same round id and inputs were posted before: that round.' })
  @ApiBadRequestResponse({ type: BodyBadRequestDto, description: 'The body breaks the inputs schema; the message and `fields` name the field (`inputs.features[2]`).' })
  @ApiConflictResponse({ description: 'The round id was used with other inputs.' })
  @ApiServiceUnavailableResponse({ description: 'This instance does not call models (no predict role), or the predictions could not be stored.' })
  async open(@Body() body: unknown, @Headers('idempotency-key') idempotencyKey: string | undefined, @CallerKey() keyId: string, @Res({ passthrough: true }) res: Response): Promise<TournamentRoundDto> {
    const request = this.read(() => readRoundRequest(body, idempotencyKey, this.tournament));
    const parameters = { round_id: request.clientRoundId, inputs_file: request.inputsFile };
    const { round, created } = await this.audit.perform({ keyId, action: 'tournament.round.open', target: request.clientRoundId, parameters }, () => this.mapErrors(() => this.rounds.open(request)));
    if (!created) res.status(200);
    return mapTournamentRound(round);
  }

  @Post(':id/truth')
  @RequireTier('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: "Posts a round's truth and scores the round with the competition's scorer",
    description:
      'The truth is checked against `tournament.truth`. Answers once the round is scored (status scored), or, on an instance without the score role, when the truth is stored (the score role scores it on its next cycle). ' +
      'The same truth again changes nothing (200, the round as it is); another truth is a 409.',
  })
  @ApiBody({ type: PostTournamentTruthDto })
  @ApiOkResponse({ type: TournamentRoundDetailDto })
  @ApiBadRequestResponse({ type: BodyBadRequestDto, description: 'The truth breaks its schema, or the id is not a UUID; the message and `fields` name the field.' })
  @ApiNotFoundResponse({ description: 'No such round.' })
  @ApiConflictResponse({ description: 'The round has another truth already, or is still open.' })
  async truth(@Param('id', roundId) id: string, @Body() body: unknown, @CallerKey() keyId: string): Promise<TournamentRoundDetailDto> {
    const truth = this.read(() => readTruthRequest(body, this.tournament));
    const round = await this.audit.perform({ keyId, action: 'tournament.round.truth', target: id, parameters: { truth } }, () => this.mapErrors(() => this.rounds.postTruth(id, truth)));
    return mapTournamentRoundDetail(round, await this.rounds.details(round));
  }

  @Get()
  @ApiOperation({ summary: 'Tournament rounds, newest first, with their status (open, predicted, scored, void) and counts' })
  @ApiOkResponse({ type: TournamentRoundDto, isArray: true })
  async list(@Query(reportValidationPipe()) query: TournamentRoundsQuery): Promise<TournamentRoundDto[]> {
    return (await this.rounds.recent(query.limit ?? TOURNAMENT_ROUNDS_DEFAULT_LIMIT)).map(mapTournamentRound);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One tournament round: status, counts, inputs, truth and each model\'s prediction and score' })
  @ApiOkResponse({ type: TournamentRoundDetailDto })
  @ApiNotFoundResponse({ description: 'No such round.' })
  async show(@Param('id', roundId) id: string): Promise<TournamentRoundDetailDto> {
    const round = await this.mapErrors(() => this.rounds.get(id));
    return mapTournamentRoundDetail(round, await this.rounds.details(round));
  }

  /** A payload error is a 400 naming the field. */
  private read<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof RoundPayloadError) throw invalidField(error.field, error.problem);
      throw error;
    }
  }

  private async mapErrors<T>(act: () => Promise<T>): Promise<T> {
    try {
      return await act();
    } catch (error) {
      if (error instanceof TournamentRoundNotFoundError) throw new NotFoundException(error.message);
      if (error instanceof TournamentConflictError) throw new ConflictException(error.message);
      if (error instanceof TournamentUnavailableError) throw new ServiceUnavailableException(error.message);
      if (error instanceof RoundPayloadError) throw invalidField(error.field, error.problem);
      throw error;
    }
  }
}

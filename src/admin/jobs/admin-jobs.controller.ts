import { Body, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerKey, RequireTier } from '../../auth/access-tier';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { parseIsoTimestamp } from '../../report/query/iso-timestamp';
import { BodyBadRequestDto } from '../../report/dto/error.dto';
import { invalidField, readBody } from '../../report/layout/layout-body';
import { rescoreJobParameters, rescoreRange } from '../../score/rescore/rescore-parameters';
import { AdminAuditService } from '../audit/admin-audit.service';
import { AdminJob, AdminJobConflictError } from './admin-job';
import { AdminJobRepository } from './admin-job.repository';
import { AdminJobDto, mapAdminJob, RescoreRequestDto } from './dto/admin-job.dto';

/** The id in a route: 400 naming it when it is not a UUID. */
const jobId = new ParseUUIDPipe({ exceptionFactory: () => invalidField('id', 'id must be a UUID') });

/**
 * Rescoring a range and following background jobs. The job is queued here and run by the score
 * role's job runner (src/score/rescore), so any instance serving the admin API can start one.
 */
@ApiTags('admin')
@RequireTier('admin')
@Controller('admin')
@ApiBadRequestResponse({ type: BodyBadRequestDto, description: 'The body or id is invalid; the message and `fields` name the field.' })
export class AdminJobsController {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly jobs: AdminJobRepository,
    private readonly audit: AdminAuditService,
  ) {}

  @Post('rescore')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Rescores the rounds whose resolvable_at is in [from, to] with the current scorer',
    description:
      'Queues a job (202 with its id): scores, window buckets, snapshots, commitments and leaderboards of the range are recomputed in place, exactly as a fresh run with this scorer would have them. Idempotent; resumable; one rescore at a time (409).',
  })
  @ApiBody({ type: RescoreRequestDto })
  @ApiAcceptedResponse({ type: AdminJobDto })
  @ApiConflictResponse({ description: 'Another rescore of the competition is queued or running.' })
  async rescore(@Body() body: unknown, @CallerKey() keyId: string): Promise<AdminJobDto> {
    const request = readBody(RescoreRequestDto, body);
    const from = parseIsoTimestamp(request.from)!; // validated by the DTO
    const to = parseIsoTimestamp(request.to)!;
    if (from.getTime() > to.getTime()) throw invalidField('from', `from (${from.toISOString()}) must not be after to (${to.toISOString()})`);
    const parameters = rescoreJobParameters(rescoreRange(from, to));
    return this.audit.perform({ keyId, action: 'rescore.start', target: null, parameters }, async () =>
      mapAdminJob(await this.conflictAs409(() => this.jobs.create({ competitionId: this.competition.id, kind: 'rescore', parameters, keyId }))),
    );
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'A background job: status, progress (rounds done/total, cycles), started, finished, error' })
  @ApiOkResponse({ type: AdminJobDto })
  @ApiNotFoundResponse({ description: 'No such job.' })
  async get(@Param('id', jobId) id: string): Promise<AdminJobDto> {
    return mapAdminJob(await this.known(id));
  }

  @Post('jobs/:id/resume')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queues a failed job again: it resumes from its stored progress' })
  @ApiAcceptedResponse({ type: AdminJobDto })
  @ApiNotFoundResponse({ description: 'No such job.' })
  @ApiConflictResponse({ description: 'The job has not failed (it is queued, running or done), or another rescore is active.' })
  async resume(@Param('id', jobId) id: string, @CallerKey() keyId: string): Promise<AdminJobDto> {
    return this.audit.perform({ keyId, action: 'job.resume', target: id, parameters: {} }, async () => {
      const job = await this.known(id);
      const queued = await this.conflictAs409(() => this.jobs.requeue(this.competition.id, id));
      if (queued === null) throw new ConflictException(`job ${id} is ${job.status}: only a failed job can be resumed`);
      return mapAdminJob(queued);
    });
  }

  private async known(id: string): Promise<AdminJob> {
    const job = await this.jobs.get(this.competition.id, id);
    if (job === null) throw new NotFoundException(`job ${id} does not exist`);
    return job;
  }

  private async conflictAs409<T>(act: () => Promise<T>): Promise<T> {
    try {
      return await act();
    } catch (error) {
      if (error instanceof AdminJobConflictError) throw new ConflictException({ statusCode: 409, error: 'Conflict', message: error.message, active_job_id: error.active?.id ?? null });
      throw error;
    }
  }
}

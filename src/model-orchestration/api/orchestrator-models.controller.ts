import {
  ArgumentsHost,
  Body,
  Catch,
  ConflictException,
  Controller,
  Delete,
  ExceptionFilter,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  PayloadTooLargeException,
  Post,
  Query,
  UploadedFile,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireTier } from '../../auth/access-tier';
import { invalidField, readBody } from '../../http/request-fields';
import { OrchestratorModelConflictError, OrchestratorModelNotFoundError } from '../../local-orchestrator/local-orchestrator';
import type { LocalOrchestrator } from '../../local-orchestrator/local-orchestrator';
import { InvalidModelArchiveError } from '../../local-orchestrator/uploads/model-archive';
import { LocalOrchestratorHandle } from '../local-orchestrator-handle';
import {
  DesiredStateBody,
  LOG_LINES_DEFAULT,
  LogTailQuery,
  mapModelLogLine,
  mapOrchestratorModel,
  ModelLogLineDto,
  ModelUploadFields,
  OrchestratorModelDto,
} from './orchestrator-model.dto';

/** What multer hands over for the `archive` field (kept in memory: bounded by LOCAL_ORCHESTRATOR_UPLOAD_MAX_BYTES). */
interface UploadedArchive {
  buffer: Buffer;
  size: number;
}

/** Multer's "file too large" is a bad request naming the field, like every other refused upload. */
@Catch(PayloadTooLargeException)
class UploadTooLargeFilter extends BaseExceptionFilter implements ExceptionFilter {
  override catch(_error: PayloadTooLargeException, host: ArgumentsHost): void {
    super.catch(invalidField('archive', 'the archive is larger than LOCAL_ORCHESTRATOR_UPLOAD_MAX_BYTES allows'), host);
  }
}

/**
 * The local orchestrator's own HTTP API (the ecosystem web app's models page): list the models
 * with their desired state and status, upload one as an archive and deploy it, change its desired
 * state, delete it, tail its output. Admin tier. With an external orchestrator (ORCHESTRATOR_HOST)
 * every route answers 409: that orchestrator has its own API.
 */
@ApiTags('orchestrator')
@RequireTier('admin')
@Controller('orchestrator/models')
@ApiBadRequestResponse({ description: 'A bad field, parameter or archive; the message and `fields` say which.' })
export class OrchestratorModelsController {
  constructor(private readonly handle: LocalOrchestratorHandle) {}

  @Get()
  @ApiOperation({ summary: 'Every model of the local orchestrator: from the models config file and uploaded' })
  @ApiOkResponse({ type: OrchestratorModelDto, isArray: true })
  list(): OrchestratorModelDto[] {
    return this.orchestrator().models().map(mapOrchestratorModel);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One model' })
  @ApiOkResponse({ type: OrchestratorModelDto })
  @ApiNotFoundResponse({ description: 'No such model.' })
  get(@Param('id') id: string): OrchestratorModelDto {
    return this.answer(() => mapOrchestratorModel(this.orchestrator().model(id)));
  }

  @Post()
  @UseFilters(UploadTooLargeFilter)
  @UseInterceptors(FileInterceptor('archive'))
  @ApiOperation({
    summary: 'Uploads a model (zip, tar or tar.gz of its code folder) and deploys it',
    description:
      'Multipart form: `archive` (the file) and the fields below. Every entry is checked before anything is written: absolute paths, `..`, links and special files, more than 5,000 files or 200 MB unpacked are refused, and the code needs an entry point (a top-level .py module or package, or index/main/model/tracker .js/.ts). An archive of a single folder is unpacked as that folder. Answers once the deployment was attempted: status RUNNING, or FAILED with the reason.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['archive', 'model_id', 'cruncher_id'],
      properties: {
        archive: { type: 'string', format: 'binary' },
        model_id: { type: 'string' },
        model_name: { type: 'string' },
        cruncher_id: { type: 'string' },
        cruncher_name: { type: 'string' },
        language: { type: 'string', enum: ['python', 'javascript', 'typescript'] },
        desired_state: { type: 'string', enum: ['RUNNING', 'STOPPED'] },
      },
    },
  })
  @ApiCreatedResponse({ type: OrchestratorModelDto })
  @ApiConflictResponse({ description: 'The id belongs to a model of the models config file, or the orchestrator is external.' })
  async upload(@UploadedFile() archive: UploadedArchive | undefined, @Body() body: unknown): Promise<OrchestratorModelDto> {
    const fields = readBody(ModelUploadFields, body ?? {});
    if (!archive || archive.size === 0) throw invalidField('archive', 'a non-empty file is required');
    const orchestrator = this.orchestrator();
    return this.answer(async () =>
      mapOrchestratorModel(
        await orchestrator.upload(
          {
            id: fields.model_id,
            name: fields.model_name || fields.model_id,
            cruncherId: fields.cruncher_id,
            cruncherName: fields.cruncher_name ?? '',
            language: fields.language,
            desiredState: fields.desired_state ?? 'RUNNING',
          },
          archive.buffer,
        ),
      ),
    );
  }

  @Patch(':id')
  @ApiOperation({ summary: "Sets a model's desired state (RUNNING or STOPPED)", description: 'For a model of the models config file the setting is kept and wins over the file until changed here again.' })
  @ApiBody({ type: DesiredStateBody })
  @ApiOkResponse({ type: OrchestratorModelDto })
  @ApiNotFoundResponse({ description: 'No such model.' })
  async setDesiredState(@Param('id') id: string, @Body() body: unknown): Promise<OrchestratorModelDto> {
    const { desired_state } = readBody(DesiredStateBody, body);
    const orchestrator = this.orchestrator();
    return this.answer(async () => mapOrchestratorModel(await orchestrator.setDesiredState(id, desired_state)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stops an uploaded model and deletes it with its code' })
  @ApiNotFoundResponse({ description: 'No such model.' })
  @ApiConflictResponse({ description: 'The model is defined in the models config file: remove it there.' })
  async remove(@Param('id') id: string): Promise<void> {
    const orchestrator = this.orchestrator();
    await this.answer(() => orchestrator.remove(id));
  }

  @Get(':id/logs')
  @ApiOperation({ summary: "The newest lines of a model's output (stdout, stderr and the orchestrator's notes), oldest first", description: `lines default ${LOG_LINES_DEFAULT}, at most 1000 (the orchestrator keeps the last 1000 per model, in memory).` })
  @ApiOkResponse({ type: ModelLogLineDto, isArray: true })
  @ApiNotFoundResponse({ description: 'No such model.' })
  logs(@Param('id') id: string, @Query() query: Record<string, unknown>): ModelLogLineDto[] {
    const { lines } = readBody(LogTailQuery, query);
    return this.answer(() => this.orchestrator().logs(id, lines ?? LOG_LINES_DEFAULT).map(mapModelLogLine));
  }

  private orchestrator(): LocalOrchestrator {
    if (!this.handle.orchestrator) throw new ConflictException('models are hosted by an external orchestrator (ORCHESTRATOR_HOST): use its own API');
    return this.handle.orchestrator;
  }

  /** The orchestrator's typed refusals as HTTP answers. */
  private answer<T>(act: () => T): T {
    const translate = (error: unknown): never => {
      if (error instanceof OrchestratorModelNotFoundError) throw new NotFoundException(error.message);
      if (error instanceof OrchestratorModelConflictError) throw new ConflictException(error.message);
      if (error instanceof InvalidModelArchiveError) throw invalidField('archive', error.message);
      throw error;
    };
    try {
      const result = act();
      return (result instanceof Promise ? result.catch(translate) : result) as T;
    } catch (error) {
      return translate(error);
    }
  }
}


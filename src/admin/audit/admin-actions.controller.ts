import { Controller, Get, Inject, Query, Res, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireTier } from '../../auth/access-tier';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { BadRequestDto } from '../../report/dto/error.dto';
import { PAGE_HEADERS_DOC, setPageHeaders } from '../../report/query/page-headers';
import { reportValidationPipe } from '../../report/query/report-validation.pipe';
import { ADMIN_ACTIONS_DEFAULT_LIMIT, AdminActionDto, AdminActionsQuery, mapAdminAction } from '../dto/admin-action.dto';
import { AdminActionRepository } from './admin-action.repository';

/** The audit trail: every admin action, who took it and how it ended. */
@ApiTags('admin')
@RequireTier('admin')
@Controller('admin/actions')
@UsePipes(reportValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto })
export class AdminActionsController {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly actions: AdminActionRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Admin actions, newest first', description: `limit default ${ADMIN_ACTIONS_DEFAULT_LIMIT}; follow X-Next-Offset with ?offset= for the next page.` })
  @ApiOkResponse({ type: AdminActionDto, isArray: true, headers: PAGE_HEADERS_DOC })
  async list(@Query() query: AdminActionsQuery, @Res({ passthrough: true }) res: Response): Promise<AdminActionDto[]> {
    const limit = query.limit ?? ADMIN_ACTIONS_DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const rows = await this.actions.list(this.competition.id, { limit: limit + 1, offset, action: query.action });
    setPageHeaders(res, { hasMore: rows.length > limit, nextOffset: offset + limit });
    return rows.slice(0, limit).map(mapAdminAction);
  }
}

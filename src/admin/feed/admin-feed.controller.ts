import { Body, Controller, HttpCode, Post, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CallerKey, RequireTier } from '../../auth/access-tier';
import { BadRequestDto } from '../../report/dto/error.dto';
import { adminValidationPipe } from '../admin-validation.pipe';
import { AdminAuditService } from '../audit/admin-audit.service';
import { FeedBackfillBody, FeedBackfillDto, MAX_BACKFILL_DAYS } from './feed-backfill.dto';
import { FeedBackfillService } from './feed-backfill.service';

/** Backfill the stored feed for a range. Audited. */
@ApiTags('admin')
@RequireTier('admin')
@Controller('admin/feed')
@UsePipes(adminValidationPipe())
@ApiBadRequestResponse({ type: BadRequestDto, description: 'A bad field (named in `fields`): not ISO-8601, to before from, a range over the maximum, an unknown subject.' })
export class AdminFeedController {
  constructor(
    private readonly backfill: FeedBackfillService,
    private readonly audit: AdminAuditService,
  ) {}

  @Post('backfill')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Backfill the feed for a range',
    description:
      `Fetches [from, to] (at most ${MAX_BACKFILL_DAYS} days) through the competition's feed adapter, for one subject or all, validates the records and stores the new ones ` +
      '(idempotent: records already stored are kept, a repeated backfill stores 0). Answers when done, with the counts per subject.',
  })
  @ApiOkResponse({ type: FeedBackfillDto })
  run(@Body() body: FeedBackfillBody, @CallerKey() keyId: string): Promise<FeedBackfillDto> {
    const parameters = { subject: body.subject ?? null, from: body.from, to: body.to };
    return this.audit.perform({ keyId, action: 'feed.backfill', target: body.subject ?? null, parameters }, () =>
      this.backfill.run({ subject: body.subject, fromMs: Date.parse(body.from), toMs: Date.parse(body.to) }),
    );
  }
}

import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { RequireTier } from '../auth/access-tier';

/** What Prometheus scrapes: this instance's registry (never prom-client's global one). */
@ApiTags('metrics')
@RequireTier('read')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics of this instance (text exposition format); scraped with a read-tier key as a bearer token' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The pipeline metrics of the stages this instance runs, plus the process metrics.', schema: { type: 'string' } })
  async metrics(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.registry.contentType);
    return this.registry.metrics();
  }
}

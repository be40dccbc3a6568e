import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthRegistry, DependencyCheck } from './health.registry';
import { APP_VERSION } from '../version';

export class HealthResponse {
  @ApiProperty({ enum: ['ok', 'degraded', 'down', 'starting'], example: 'ok' })
  status!: 'ok' | 'degraded' | 'down' | 'starting';

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({
    description: 'Per-dependency checks (database, feed, orchestrator, ...)',
    example: { database: { status: 'up', mode: 'embedded', latencyMs: 1 }, feed: { status: 'up' } },
  })
  checks!: Record<string, DependencyCheck>;
}

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  /** `starting` while the pipeline starts and `down` when the database is down (both 503); `degraded` when another dependency is not up. */
  @Get('healthz')
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({ type: HealthResponse })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthResponse> {
    const checks = await this.registry.run();
    const databaseDown = checks.database?.status === 'down';
    const anyNotUp = Object.values(checks).some((c) => c.status !== 'up');
    const status = this.registry.starting ? 'starting' : databaseDown ? 'down' : anyNotUp ? 'degraded' : 'ok';
    if (status === 'down' || status === 'starting') res.status(HttpStatus.SERVICE_UNAVAILABLE);
    res.setHeader('Cache-Control', 'no-store');
    return { status, version: APP_VERSION, checks };
  }
}

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

  @ApiProperty({
    required: false,
    description: 'Why the status is not ok: one line per check that is not up (its reason or error).',
    example: ['scoring: scoring is behind: 12 prediction(s) resolvable since 2026-01-01T12:00:00.000Z are still unscored (due by 2026-01-01T12:02:15.000Z)'],
  })
  reasons?: string[];
}

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  /**
   * `starting` while the pipeline starts and `down` when the database is down (both 503);
   * `degraded` (200) when another check is not up: a dependency, or a pipeline rule (scoring
   * behind, predict jobs skipping, leaderboard too old; PipelineHealthChecks), each listed in `reasons`.
   */
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
    const reasons = Object.entries(checks)
      .filter(([, check]) => check.status !== 'up')
      .map(([name, check]) => `${name}: ${String(check.reason ?? check.error ?? check.status)}`);
    return reasons.length > 0 ? { status, version: APP_VERSION, checks, reasons } : { status, version: APP_VERSION, checks };
  }
}

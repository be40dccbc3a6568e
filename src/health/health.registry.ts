import { Injectable } from '@nestjs/common';

export type DependencyStatus = 'up' | 'degraded' | 'stale' | 'down';

export interface DependencyCheck {
  status: DependencyStatus;
  [detail: string]: unknown;
}

/**
 * Named dependency checks shown by `/healthz`. A module registers its own at start-up.
 *
 * @example
 *   health.register('feed', async () => ({ status: 'up', newestTs: '2026-01-01T00:00:00Z' }));
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, () => Promise<DependencyCheck> | DependencyCheck>();
  /**
   * True from the moment the pipeline begins starting until it has started: the HTTP port is
   * bound first (so a taken port fails before any job runs), and `/healthz` answers 503
   * `starting` meanwhile rather than a half-started `ok`.
   */
  starting = false;

  register(name: string, check: () => Promise<DependencyCheck> | DependencyCheck): void {
    this.checks.set(name, check);
  }

  /** Runs every check with a time bound; a check that throws or hangs reports `down`. */
  async run(timeoutMs = 2000): Promise<Record<string, DependencyCheck>> {
    const entries = await Promise.all(
      [...this.checks.entries()].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<DependencyCheck>((resolve) => {
            timer = setTimeout(() => resolve({ status: 'down', error: `check timed out after ${timeoutMs} ms` }), timeoutMs);
          });
          return [name, await Promise.race([Promise.resolve().then(check), timeout])] as const;
        } catch (err) {
          return [name, { status: 'down', error: (err as Error).message }] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}

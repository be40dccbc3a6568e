import { Logger } from '@nestjs/common';
import { FeedOptions } from '../feed-options';
import { FeedHttpError, FeedPayloadError } from '../feed.errors';
import { redactedUrl } from './redacted-url';
import { retryAfterMs } from './retry-after';

export interface HttpRetryPolicy {
  /** Total tries of one request, the first included. */
  attempts: number;
  /** First backoff; doubles on each retry, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-try timeout (AbortSignal). */
  timeoutMs: number;
  /** A longer Retry-After than this is cut down to it, so one provider cannot park a poll for an hour. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: HttpRetryPolicy = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  timeoutMs: 10_000,
  maxRetryAfterMs: 60_000,
};

/** Replaceable pieces, so tests can record the waits instead of sleeping through them. */
export interface HttpClientDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Wall time, only to read `Retry-After` HTTP dates. */
  wallNowMs: () => number;
}

/** Option keys every HTTP adapter accepts (see `FeedHttpClient.fromOptions`). */
export const HTTP_OPTION_KEYS = ['timeoutMs', 'attempts', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'];

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * GETs JSON from a provider with bounded retries: exponential backoff with jitter on network
 * errors, timeouts and 5xx; `Retry-After` honoured on 429/503. Waits are timers, never busy
 * loops. Errors name the source and the URL with secrets redacted.
 *
 * @example
 *   const http = new FeedHttpClient('crunchdao', { timeoutMs: 10_000 });
 *   const body = await http.getJson('http://127.0.0.1:8080/v1/prices?asset=BTC');
 */
export class FeedHttpClient {
  private readonly logger: Logger;
  readonly policy: HttpRetryPolicy;
  private readonly deps: HttpClientDeps;

  constructor(
    readonly source: string,
    policy: Partial<HttpRetryPolicy> = {},
    deps: Partial<HttpClientDeps> = {},
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...policy };
    this.deps = {
      fetch: deps.fetch ?? ((input, init) => fetch(input, init)),
      sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: deps.random ?? Math.random,
      wallNowMs: deps.wallNowMs ?? Date.now,
    };
    this.logger = new Logger(`Feed:${source}`);
  }

  /** A client tuned by the adapter's `timeoutMs`, `attempts`, `baseDelayMs`, `maxDelayMs`, `maxRetryAfterMs` options. */
  static fromOptions(options: FeedOptions, defaults: Partial<HttpRetryPolicy> = {}): FeedHttpClient {
    const policy = { ...DEFAULT_RETRY_POLICY, ...defaults };
    return new FeedHttpClient(options.source, {
      timeoutMs: options.number('timeoutMs', policy.timeoutMs, { min: 1 }),
      attempts: options.number('attempts', policy.attempts, { min: 1, max: 20, integer: true }),
      baseDelayMs: options.number('baseDelayMs', policy.baseDelayMs, { min: 0 }),
      maxDelayMs: options.number('maxDelayMs', policy.maxDelayMs, { min: 0 }),
      maxRetryAfterMs: options.number('maxRetryAfterMs', policy.maxRetryAfterMs, { min: 0 }),
    });
  }

  async getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
    const shown = redactedUrl(url);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.tryOnce(url, shown, headers);
      if (outcome.kind === 'ok') return outcome.body;
      if (outcome.kind === 'fatal') throw outcome.error;
      if (attempt >= this.policy.attempts) {
        throw new FeedHttpError(this.source, shown, outcome.status, `${outcome.problem}; gave up after ${attempt} attempts`, {
          cause: outcome.cause,
        });
      }
      const delay = outcome.retryAfterMs ?? this.backoffMs(attempt);
      this.logger.warn(
        `source ${this.source}: GET ${shown} failed (${outcome.problem}), retry ${attempt}/${this.policy.attempts - 1} in ${delay} ms`,
      );
      await this.deps.sleep(delay);
    }
  }

  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling * (0.5 + this.deps.random() * 0.5));
  }

  private async tryOnce(url: string, shown: string, headers: Record<string, string>): Promise<Outcome> {
    let response: Response;
    let text: string;
    try {
      response = await this.deps.fetch(url, {
        headers: { accept: 'application/json', ...headers },
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const timedOut = (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError';
      const problem = timedOut ? `timed out after ${this.policy.timeoutMs} ms` : `network error: ${networkReason(err)}`;
      return { kind: 'retry', status: null, problem, retryAfterMs: null, cause: err };
    }
    if (!response.ok) {
      const problem = `HTTP ${response.status}${describeBody(text, response.headers.get('content-type'))}`;
      if (RETRYABLE_STATUS.has(response.status)) {
        const hinted = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get('retry-after'), this.deps.wallNowMs()) : null;
        const wait = hinted === null ? null : Math.min(hinted, this.policy.maxRetryAfterMs);
        return { kind: 'retry', status: response.status, problem, retryAfterMs: wait, cause: undefined };
      }
      return { kind: 'fatal', error: new FeedHttpError(this.source, shown, response.status, problem) };
    }
    return this.parse(text, response, shown);
  }

  private parse(text: string, response: Response, shown: string): Outcome {
    const contentType = response.headers.get('content-type') ?? '';
    if (/html/i.test(contentType) || /^\s*</.test(text)) {
      return {
        kind: 'fatal',
        error: new FeedPayloadError(this.source, `GET ${shown}`, `expected JSON, got an HTML page${describeBody(text, contentType)}`),
      };
    }
    try {
      return { kind: 'ok', body: JSON.parse(text) };
    } catch (err) {
      const snippet = text.length > 80 ? `${text.slice(0, 80)}...` : text;
      return {
        kind: 'fatal',
        error: new FeedPayloadError(this.source, `GET ${shown}`, `malformed JSON (${(err as Error).message}): ${JSON.stringify(snippet)}`),
      };
    }
  }
}

type Outcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'retry'; status: number | null; problem: string; retryAfterMs: number | null; cause: unknown }
  | { kind: 'fatal'; error: Error };

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
}

/** A short, single-line hint of what came back (an HTML title, or the start of the body). */
function describeBody(text: string, contentType: string | null): string {
  if (!text) return '';
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  if (title) return `: HTML page "${title.slice(0, 80)}"`;
  if (/html/i.test(contentType ?? '') || /^\s*</.test(text)) return ': HTML page';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `: ${oneLine.length > 120 ? `${oneLine.slice(0, 120)}...` : oneLine}`;
}

import { Logger } from '@nestjs/common';
import { FeedAdapter } from '../feed-adapter.decorator';
import { FeedOptions } from '../feed-options';
import { FeedPayloadError } from '../feed.errors';
import type { Feed, FeedAdapterProvider, FeedContext, FeedRecord } from '../feed';
import { FeedHttpClient, HTTP_OPTION_KEYS } from '../http/feed-http-client';
import { redactedUrl } from '../http/redacted-url';
import { numericValue } from '../numeric-value';

/** The public CrunchDAO price API the Synth game's participant package reads (synth-game.md). */
export const CRUNCHDAO_PRICE_API = 'https://pricedb.crunchdao.com';

/**
 * `crunchdao`: the CrunchDAO price API the seed uses.
 * `GET {baseUrl}/v1/prices?asset=BTC&from=<s>&to=<s>&resolution=minute` -> `{timestamp: [s...], close: [...]}`.
 *
 * Options: `baseUrl` (default the public API, CRUNCHDAO_PRICE_API), `assets` ({subject: asset}, default the subject), `resolution`
 * (`minute`), `pageSeconds` (one request per this many seconds, 86400), HTTP options.
 */
@FeedAdapter('crunchdao')
export class CrunchdaoFeedAdapter implements FeedAdapterProvider {
  create(options: Record<string, unknown>, context: FeedContext): Feed {
    const o = new FeedOptions(context.source, options);
    o.rejectUnknown(['baseUrl', 'assets', 'resolution', 'pageSeconds', ...HTTP_OPTION_KEYS]);
    const baseUrl = o.url('baseUrl', CRUNCHDAO_PRICE_API);
    const assets = o.stringMap('assets');
    const resolution = o.string('resolution', 'minute');
    const pageMs = o.number('pageSeconds', 86_400, { min: 60 }) * 1000;
    const http = FeedHttpClient.fromOptions(o);
    const logger = new Logger(`Feed:${context.source}`);

    return {
      listSubjects: async () => [...context.subjects],
      async *fetchRange(subject: string, fromMs: number, toMs: number): AsyncGenerator<FeedRecord[]> {
        for (let start = fromMs; start <= toMs; start += pageMs) {
          const end = Math.min(toMs, start + pageMs - 1);
          const url =
            `${baseUrl}/v1/prices?asset=${encodeURIComponent(assets[subject] ?? subject)}` +
            `&from=${Math.floor(start / 1000)}&to=${Math.floor(end / 1000)}&resolution=${encodeURIComponent(resolution)}`;
          const body = await http.getJson(url);
          yield parsePrices(body, subject, `GET ${redactedUrl(url)}`, context.source, logger).filter((r) => r.ts >= start && r.ts <= end);
        }
      },
    };
  }
}

function parsePrices(body: unknown, subject: string, where: string, source: string, logger: Logger): FeedRecord[] {
  const payload = body as { timestamp?: unknown; close?: unknown };
  if (!payload || typeof payload !== 'object' || !Array.isArray(payload.timestamp) || !Array.isArray(payload.close)) {
    throw new FeedPayloadError(source, where, 'expected {"timestamp": [...], "close": [...]}');
  }
  const { timestamp, close } = payload as { timestamp: unknown[]; close: unknown[] };
  if (timestamp.length !== close.length) {
    logger.warn(`source ${source}: ${where}: ${timestamp.length} timestamps but ${close.length} closes; reading the first ${Math.min(timestamp.length, close.length)}`);
  }
  const n = Math.min(timestamp.length, close.length);
  const records: FeedRecord[] = new Array(n);
  for (let i = 0; i < n; i++) records[i] = { subject, ts: numericValue(timestamp[i]) * 1000, values: { close: numericValue(close[i]) } };
  return records;
}

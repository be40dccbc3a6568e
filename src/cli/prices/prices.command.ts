import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { parseIsoTimestamp } from '../../report/query/iso-timestamp';
import { CommandIo, CommandUsageError, readCommandFlags } from '../command-io';

export const USAGE = `usage: coordinator-node prices --url URL --subject BTC[,ETH] --from ISO --to ISO [--format csv|parquet] --out FILE
  Downloads stored prices from a running node (GET /data/prices) into FILE, streamed.
  csv: subject,ts,price with ts in epoch seconds (what the backtest helpers read); parquet: the same columns.
  Limits (the node's): from <= to, at most 31 days, at most 20 subjects. Exit codes: 0 written, 1 the node
  refused or could not be reached (FILE is left untouched), 2 bad arguments.`;

interface PricesArguments {
  url: URL;
  subjects: string[];
  from: string;
  to: string;
  format: 'csv' | 'parquet';
  out: string;
}

/** `coordinator-node prices`: the CLI twin of `GET /data/prices`. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  let request: PricesArguments | 'help';
  try {
    request = readArguments(args, io.cwd);
  } catch (error) {
    io.stderr(`coordinator-node prices: ${(error as Error).message}\n`);
    return 2;
  }
  if (request === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const url = new URL('data/prices', request.url.href.endsWith('/') ? request.url : `${request.url.href}/`);
  url.search = new URLSearchParams({ subject: request.subjects.join(','), from: request.from, to: request.to, format: request.format }).toString();
  // Written beside the target and renamed at the end: a refused or cut download leaves no half file.
  const partial = `${request.out}.part`;
  try {
    const res = await fetch(url);
    if (!res.ok || res.body === null) {
      io.stderr(`coordinator-node prices: ${url.origin} answered ${res.status}: ${await refusal(res)}\n`);
      return 1;
    }
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), fs.createWriteStream(partial));
    fs.renameSync(partial, request.out);
    const rows = res.headers.get('x-row-count');
    io.stdout(`wrote ${rows ?? 'the'} rows of ${request.subjects.join(', ')} to ${request.out}\n`);
    return 0;
  } catch (error) {
    fs.rmSync(partial, { force: true });
    io.stderr(`coordinator-node prices: could not download from ${url.origin}: ${describe(error)}\n`);
    return 1;
  }
}

function readArguments(args: string[], cwd: string): PricesArguments | 'help' {
  const { values } = readCommandFlags(args, {
    url: { type: 'string' },
    subject: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return 'help';
  const required = (name: 'url' | 'subject' | 'from' | 'to' | 'out'): string => {
    const value = values[name];
    if (typeof value !== 'string' || value.trim() === '') throw new CommandUsageError(`--${name} is required (see --help)`);
    return value.trim();
  };
  let url: URL;
  try {
    url = new URL(required('url'));
  } catch (error) {
    if (error instanceof CommandUsageError) throw error;
    throw new CommandUsageError(`--url must be an http(s) URL such as http://localhost:8000, got "${String(values.url).slice(0, 80)}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CommandUsageError(`--url must be http or https, got ${url.protocol}`);
  const subjects = required('subject').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (subjects.length === 0) throw new CommandUsageError('--subject must name at least one subject');
  const from = required('from');
  const to = required('to');
  const fromDate = parseIsoTimestamp(from);
  const toDate = parseIsoTimestamp(to);
  if (!fromDate) throw new CommandUsageError(`--from must be an ISO-8601 datetime such as 2026-01-01T00:00:00Z, got "${from.slice(0, 40)}"`);
  if (!toDate) throw new CommandUsageError(`--to must be an ISO-8601 datetime such as 2026-01-02T00:00:00Z, got "${to.slice(0, 40)}"`);
  if (fromDate.getTime() > toDate.getTime()) throw new CommandUsageError('--from must not be after --to');
  const format = typeof values.format === 'string' ? values.format : 'csv';
  if (format !== 'csv' && format !== 'parquet') throw new CommandUsageError(`--format must be csv or parquet, got "${format.slice(0, 20)}"`);
  const out = path.resolve(cwd, required('out'));
  if (!fs.existsSync(path.dirname(out))) throw new CommandUsageError(`--out: folder ${path.dirname(out)} does not exist`);
  return { url, subjects, from, to, format, out };
}

/** The node's own message (a 400 names the parameter), else the status text. */
async function refusal(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: unknown };
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    if (typeof message === 'string' && message !== '') return message.split('\n')[0].slice(0, 300);
  } catch {
    // not JSON: fall through
  }
  return (text.split('\n')[0] || res.statusText).slice(0, 300);
}

function describe(error: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (undici), where instanceof Error fails.
  const { cause, message: own } = (error ?? {}) as { cause?: { code?: unknown; message?: unknown }; message?: unknown };
  const message = typeof own === 'string' ? own : String(error);
  const why = cause?.code ?? cause?.message;
  return (typeof why === 'string' && why !== '' ? `${message} (${why})` : message).split('\n')[0];
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommandUsageError, readCommandFlags } from '../../cli/command-io';
import { priceFileFormat } from '../prices/price-file';

export const USAGE = `usage: coordinator-node replay --competition FILE --from ISO --to ISO [options]
       coordinator-node replay --compare A.yaml B.yaml --from ISO --to ISO [options]
  Runs the competition's whole pipeline (tick, predict, score, leaderboard, rewards) over the range
  on a virtual clock, the models hosted by the local orchestrator as live, as fast as they answer.
  --from, --to ISO        the range, ISO 8601 UTC (2026-01-01T00:00:00Z, or a date 2026-01-01)
  --prices FILE           prices: .csv or .parquet with columns subject,ts,price (ts: unix seconds or
                          ISO 8601 with a zone); default: the stored feed records of --database,
                          else the competition's feed fetched for the range (and its history window)
  --models FILE           the models file (default: the competition's models:, else deployment/models.yaml)
  --out DIR               outputs (default ./replay-out/<competition>-<from>)
  --database URL          write into this PostgreSQL database (default: a fresh embedded one)
  --compare A B           both competition variants on the same range, prices and models, then the
                          rank changes between them (each on its own embedded database)
  Ctrl-C stops cleanly: the outputs cover the part replayed.`;

/** A validated replay command line. */
export interface ReplayArguments {
  /** One competition file, or the two variants of --compare. */
  competitions: string[];
  compare: boolean;
  fromMs: number;
  toMs: number;
  pricesFile?: string;
  modelsFile?: string;
  outDir?: string;
  databaseUrl?: string;
}

export type ReplayCommand = { kind: 'help' } | ({ kind: 'replay' } & ReplayArguments);

/** Reads the flags; throws CommandUsageError naming the flag or file at fault. */
export function readReplayArguments(args: string[], cwd: string): ReplayCommand {
  const { values, positionals } = readCommandFlags(
    args,
    {
      competition: { type: 'string' },
      compare: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      prices: { type: 'string' },
      models: { type: 'string' },
      out: { type: 'string' },
      database: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    { allowPositionals: true },
  );
  if (values.help) return { kind: 'help' };
  const resolve = (file: string) => path.resolve(cwd, file);
  let competitions: string[];
  if (values.compare) {
    if (values.competition !== undefined) throw new CommandUsageError('--compare takes the two competition files itself; drop --competition');
    if (positionals.length !== 2) throw new CommandUsageError(`--compare needs exactly two competition files (got ${positionals.length})`);
    if (values.database !== undefined) throw new CommandUsageError('--compare runs each variant on its own embedded database; drop --database');
    competitions = positionals.map(resolve);
  } else {
    if (positionals.length > 0) throw new CommandUsageError(`unexpected argument "${positionals[0]}" (see --help)`);
    if (values.competition === undefined) throw new CommandUsageError('--competition FILE is required');
    competitions = [resolve(values.competition)];
  }
  for (const file of competitions) readable(file, 'competition file');
  const fromMs = readInstant('--from', values.from);
  const toMs = readInstant('--to', values.to);
  if (fromMs >= toMs) throw new CommandUsageError(`--from (${values.from}) must be before --to (${values.to})`);
  let pricesFile: string | undefined;
  if (values.prices !== undefined) {
    pricesFile = resolve(values.prices);
    if (!priceFileFormat(pricesFile)) throw new CommandUsageError(`--prices ${values.prices}: unknown price file type "${path.extname(pricesFile) || '(none)'}" (expected .csv or .parquet)`);
    readable(pricesFile, '--prices file');
  }
  const modelsFile = values.models === undefined ? undefined : readable(resolve(values.models), '--models file');
  const databaseUrl = values.database;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new CommandUsageError('--database must be a postgres:// or postgresql:// URL');
  return { kind: 'replay', competitions, compare: Boolean(values.compare), fromMs, toMs, pricesFile, modelsFile, outDir: values.out === undefined ? undefined : resolve(values.out), databaseUrl };
}

/** ISO 8601 in UTC: a date (midnight UTC) or a date and time with Z or an offset. */
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

function readInstant(flag: string, text: string | undefined): number {
  if (text === undefined) throw new CommandUsageError(`${flag} ISO is required`);
  const ms = INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw new CommandUsageError(`${flag} "${text}" is not an ISO 8601 instant (e.g. 2026-01-01T00:00:00Z)`);
  return ms;
}

function readable(file: string, what: string): string {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (!fs.statSync(file).isFile()) throw new Error('not a file');
  } catch {
    throw new CommandUsageError(`${what} ${file} cannot be read`);
  }
  return file;
}

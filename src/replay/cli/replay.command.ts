import * as path from 'node:path';
import { Logger, Type } from '@nestjs/common';
import pino from 'pino';
import { CommandIo, CommandUsageError } from '../../cli/command-io';
import { checkPluginNames } from '../../bootstrap/plugin-names';
import { loadAppConfig } from '../../config/app-config';
import { ConfigError } from '../../config/config-error';
import { loadCompetitionFile } from '../../config/competition/competition.loader';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { DatabaseConnectError } from '../../database/database-connect-error';
import { loadExtensionModules } from '../../extensions/extension-modules';
import { ModelsConfigFileError } from '../../local-orchestrator/config/models-config-file';
import { JsonLogger } from '../../logging/json-logger';
import { leaderboardText, alignedTable } from '../outputs/leaderboard-text';
import { writeTables } from '../outputs/output-files';
import { writeReplayOutputs } from '../outputs/replay-outputs';
import { finalLeaderboard } from '../outputs/replay-tables';
import { PriceFileError } from '../prices/price-file';
import { loadReplayPrices, ReplayFeedUnavailableError, ReplayPricesMissingError } from '../prices/price-sources';
import { ReplayPrices } from '../prices/replay-prices';
import { rankChanges, rankChangesTable } from '../rank-changes';
import type { LeaderboardRow } from '../replay-results.repository';
import { ReplayDatabaseNotEmptyError, ReplayRunSummary, ReplaySession } from '../replay-session';
import { ReplayRange } from '../replayed-competition';
import { readReplayArguments, ReplayArguments, USAGE } from './replay-arguments';
import { progressDisplay } from './replay-progress';

/** Errors that are the caller's input: one line on stderr, exit code 2. */
const INPUT_ERRORS = [CommandUsageError, ConfigError, PriceFileError, ReplayPricesMissingError, ReplayFeedUnavailableError, ModelsConfigFileError, ReplayDatabaseNotEmptyError];

/**
 * `coordinator-node replay`: a whole competition over a range of history, faster than real time.
 * Exit codes: 0 done, 1 the replay failed, 2 bad arguments or input files, 130 stopped by Ctrl-C
 * (the outputs cover the part replayed).
 */
export async function run(args: string[], io: CommandIo): Promise<number> {
  try {
    const command = readReplayArguments(args, io.cwd);
    if (command.kind === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const logger = new JsonLogger(io.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn', pino.destination({ dest: 2, sync: true }));
    Logger.overrideLogger(logger);
    const stop = new StopSignal();
    try {
      return command.compare ? await compare(command, io, logger, stop) : await replayOne(command, io, logger, stop);
    } finally {
      stop.dispose();
    }
  } catch (error) {
    const line = (error as Error)?.message?.split('\n')[0] ?? String(error);
    if (INPUT_ERRORS.some((type) => error instanceof type)) {
      io.stderr(`coordinator-node replay: ${line}\n`);
      return 2;
    }
    io.stderr(`coordinator-node replay: failed: ${error instanceof DatabaseConnectError ? error.message : line}\n`);
    return 1;
  }
}

/** Ctrl-C asks the replay to stop after the current step (a second one leaves the default handling). */
class StopSignal {
  requested = false;
  private readonly onSignal = () => {
    this.requested = true;
  };
  constructor() {
    process.once('SIGINT', this.onSignal);
  }
  dispose(): void {
    process.removeListener('SIGINT', this.onSignal);
  }
}

/**
 * The competition file as the node would start on it: the team's EXTENSION_MODULES loaded, and the
 * scorer and feed names checked against them and the built-ins before anything runs.
 */
function replayedCompetitions(files: readonly string[], io: CommandIo): { competitions: CompetitionDefinition[]; extensions: Type[] } {
  const extensions = loadExtensionModules(io.env.EXTENSION_MODULES, io.cwd);
  const competitions = files.map((file) => {
    const competition = loadCompetitionFile(file);
    checkPluginNames({ config: loadAppConfig({ COMPETITION_FILE: file, ROLES: 'predict,score' }), competition, extensions });
    return competition;
  });
  return { competitions, extensions };
}

async function replayOne(command: ReplayArguments, io: CommandIo, logger: JsonLogger, stop: StopSignal): Promise<number> {
  const {
    competitions: [competition],
    extensions,
  } = replayedCompetitions(command.competitions.slice(0, 1), io);
  const range = { fromMs: command.fromMs, toMs: command.toMs };
  const report = (line: string) => io.stderr(`replay: ${line}\n`);
  const { prices, origin } = await loadReplayPrices({ competition, range, pricesFile: command.pricesFile, databaseUrl: command.databaseUrl, report });
  report(`${prices.count()} prices from ${origin.kind === 'file' ? origin.file : origin.kind === 'database' ? 'the database' : `the ${origin.adapter} feed`}`);
  const outDir = command.outDir ?? defaultOutDir(io.cwd, competition, range);
  const done = await replayVariant(competition, extensions, range, prices, origin.kind === 'feed' ? prices : null, command, outDir, io, logger, stop, 'replay');
  io.stdout(leaderboardText(done.final));
  io.stderr(`replay: outputs in ${outDir}\n`);
  return done.summary.interrupted ? 130 : 0;
}

async function compare(command: ReplayArguments, io: CommandIo, logger: JsonLogger, stop: StopSignal): Promise<number> {
  const {
    competitions: [a, b],
    extensions,
  } = replayedCompetitions(command.competitions, io);
  const range = { fromMs: command.fromMs, toMs: command.toMs };
  const report = (line: string) => io.stderr(`replay: ${line}\n`);
  // One set of prices for both variants, so only the competition differs.
  const { prices, origin } = await loadReplayPrices({ competition: a, range, pricesFile: command.pricesFile, report });
  const outDir = command.outDir ?? defaultOutDir(io.cwd, a, range);
  const variants = [
    { label: 'A', competition: a, file: command.competitions[0] },
    { label: 'B', competition: b, file: command.competitions[1] },
  ];
  const finals: LeaderboardRow[][] = [];
  for (const v of variants) {
    const dir = path.join(outDir, `${v.label}-${path.basename(v.file, path.extname(v.file))}`);
    const done = await replayVariant(v.competition, extensions, range, prices, origin.kind === 'feed' ? prices : null, command, dir, io, logger, stop, `replay ${v.label}`);
    if (done.summary.interrupted) {
      io.stderr(`replay: stopped during variant ${v.label}; outputs so far in ${dir}\n`);
      return 130;
    }
    finals.push(done.final);
  }
  const changes = rankChanges(finals[0], finals[1]);
  writeTables(outDir, [rankChangesTable(changes)]);
  const cell = (r: number | null) => (r === null ? '-' : String(r));
  io.stdout(
    alignedTable(
      ['model', `rank A (${path.basename(command.competitions[0])})`, `rank B (${path.basename(command.competitions[1])})`, 'change'],
      changes.map((c) => [c.modelName || c.modelId, cell(c.rankA), cell(c.rankB), c.change === null ? '-' : c.change > 0 ? `+${c.change}` : String(c.change)]),
      [false, true, true, true],
    ),
  );
  io.stderr(`replay: outputs in ${outDir} (rank-changes.csv, and each variant's outputs)\n`);
  return 0;
}

/** Runs one competition over the range and writes its outputs, even when stopped part way. */
async function replayVariant(
  competition: CompetitionDefinition,
  extensions: Type[],
  range: ReplayRange,
  prices: ReplayPrices,
  fetchedPrices: ReplayPrices | null,
  command: ReplayArguments,
  outDir: string,
  io: CommandIo,
  logger: JsonLogger,
  stop: StopSignal,
  label: string,
): Promise<{ summary: ReplayRunSummary; final: LeaderboardRow[] }> {
  const modelsFile = command.modelsFile ?? competition.models ?? path.resolve(io.cwd, 'deployment/models.yaml');
  io.stderr(`${label}: ${competition.id} from ${new Date(range.fromMs).toISOString()} to ${new Date(range.toMs).toISOString()}, models of ${modelsFile}\n`);
  const session = await ReplaySession.open({ competition, range, prices, modelsFile, databaseUrl: command.databaseUrl, logger, env: io.env, extensions });
  try {
    for (const m of session.notRunning) io.stderr(`${label}: model ${m.modelId ?? '(no id)'} does not run: ${m.reason}\n`);
    const progress = progressDisplay(label, io.stderr, process.stderr.isTTY ? process.stderr : null);
    const summary = await session.run(() => stop.requested, (p) => progress.update(p));
    progress.stop();
    if (summary.interrupted) io.stderr(`${label}: stopped at ${new Date(summary.reachedMs).toISOString()} (Ctrl-C); writing the outputs of the part replayed\n`);
    const { results } = await writeReplayOutputs(outDir, session.results, competition, range, fetchedPrices);
    io.stderr(`${label}: ${timingLine(summary, range)}\n`);
    return { summary, final: finalLeaderboard(results.leaderboards) };
  } finally {
    await session.close();
  }
}

function timingLine(summary: ReplayRunSummary, range: ReplayRange): string {
  const simulatedS = (Math.min(summary.reachedMs, range.toMs) - range.fromMs) / 1000;
  const wallS = summary.wallMs / 1000;
  const s = summary.stages;
  const part = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return (
    `${simulatedS.toFixed(0)} simulated s in ${wallS.toFixed(1)} wall s (${(simulatedS / Math.max(wallS, 1e-3)).toFixed(0)}x); ` +
    `scoring ${part(s.scoring)} (${s.scoredPredictions} predictions in ${s.scoreCycles} cycles), model calls ${part(s.modelCalls)}, database ${part(s.database)}, other ${part(s.other)}`
  );
}

/** `./replay-out/<competition>-<from as 20260101T000000Z>`. */
function defaultOutDir(cwd: string, competition: CompetitionDefinition, range: ReplayRange): string {
  const from = new Date(range.fromMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return path.resolve(cwd, 'replay-out', `${competition.id}-${from}`);
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger, LoggerService, Type } from '@nestjs/common';
import pino from 'pino';
import { checkPluginNames } from '../../bootstrap/plugin-names';
import { loadAppConfig } from '../../config/app-config';
import { ConfigError } from '../../config/config-error';
import { loadCompetitionFile } from '../../config/competition/competition.loader';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { loadExtensionModules } from '../../extensions/extension-modules';
import { ModelsConfigFileError, readModelsConfig } from '../../local-orchestrator/config/models-config-file';
import { locateRunnerPaths } from '../../local-orchestrator/runner-paths';
import { JsonLogger } from '../../logging/json-logger';
import { ReplaySession } from '../../replay/replay-session';
import { CommandIo, CommandUsageError } from '../command-io';
import { CheckArguments, readCheckArguments, USAGE } from './check-arguments';
import { CheckFinding, degenerateGameFindings, FindingRules } from './check-findings';
import { CheckReport, checkReportText } from './check-report';
import { ModelIdentity, readCheckResults } from './check-results';
import { REFERENCE_MODEL_IDS, writeCheckModels } from './reference-models';
import { checkRange, syntheticHistory } from './synthetic-history';
import { SyntheticPayloadError } from './synthetic-payload';
import { checkTournament } from './tournament-check';

/** The check could not run at all (an invalid file, no model ran): one line, exit code 1. */
class CheckFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailedError';
  }
}

/**
 * `coordinator-node check`: runs the competition for a few simulated minutes on synthetic prices,
 * with its example models and two reference models, and warns on a degenerate game.
 * Exit codes: 0 every check passed, 2 a warning or bad arguments, 1 an invalid file or nothing ran.
 */
export async function run(args: string[], io: CommandIo): Promise<number> {
  let command;
  try {
    command = readCheckArguments(args, io.cwd, io.env);
  } catch (error) {
    if (!(error instanceof CommandUsageError)) throw error;
    io.stderr(`coordinator-node check: ${error.message}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  try {
    const report = await check(command, io);
    io.stdout(command.json ? `${JSON.stringify(report, null, 2)}\n` : checkReportText(report));
    // A check not judged is said on stderr too, so it never passes unseen (in --json as in text).
    for (const c of report.checks.filter((f) => f.verdict === 'SKIP')) io.stderr(`coordinator-node check: warning: ${c.check} not judged: ${c.message}\n`);
    return report.exitCode;
  } catch (error) {
    const line = (error as Error)?.message?.split('\n')[0] ?? String(error);
    io.stderr(`coordinator-node check: ${error instanceof ConfigError && error.source !== 'environment' ? `${error.source}: ${line}` : line}\n`);
    return 1;
  }
}

async function check(command: CheckArguments, io: CommandIo): Promise<CheckReport> {
  const { competition, extensions } = validatedCompetition(command.competitionFile, io);
  const examplesFile = modelsFileOf(command, competition, io.cwd);
  let examples;
  try {
    examples = readModelsConfig(examplesFile);
  } catch (error) {
    if (error instanceof ModelsConfigFileError) throw new CheckFailedError(error.message);
    throw error;
  }
  const fileProblems = examples.problems.map((p): CheckFinding => ({ check: 'models file', verdict: 'WARN', message: `${examplesFile}: ${p.message}` }));
  const logger = new JsonLogger(io.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn', pino.destination({ dest: 2, sync: true }));
  Logger.overrideLogger(logger);

  if (competition.tournament) return checkOfTournament(command, competition, examplesFile, examples.entries, fileProblems, extensions, logger, io);

  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coordinator-check-'));
  try {
    const hosted = writeCheckModels(competition, examplesFile, examples.entries, tempDir);
    const range = checkRange(competition, command.durationSeconds);
    const prices = syntheticHistory(competition, range);
    const identities: ModelIdentity[] = [
      ...examples.entries.filter((e) => e.desiredState === 'RUNNING').map((e): ModelIdentity => ({ id: e.id, name: e.name, role: 'example' })),
      ...(hosted.referencesSkipped === null
        ? [
            { id: REFERENCE_MODEL_IDS.constant, name: 'reference-constant', role: 'reference-constant' as const },
            { id: REFERENCE_MODEL_IDS.informed, name: 'reference-informed', role: 'reference-informed' as const },
          ]
        : []),
    ];
    const session = await ReplaySession.open({ competition, range, prices, modelsFile: hosted.modelsFile, logger, env: io.env, extensions });
    let results;
    let wallMs;
    let direction;
    try {
      wallMs = (await session.run(() => false)).wallMs;
      direction = competition.leaderboard.direction !== 'auto' ? competition.leaderboard.direction : session.scoreDirection();
      results = await readCheckResults(session, competition, identities);
    } finally {
      await session.close();
    }
    if (results.configs.every((c) => c.rounds === 0)) throw new CheckFailedError(`no prediction round ran in ${(range.toMs - range.fromMs) / 1000} simulated seconds`);
    if (results.models.every((m) => m.notRunning !== null)) throw new CheckFailedError(`no model started: ${results.models.map((m) => `${m.id}: ${m.notRunning}`).join('; ')}`);
    const rules: FindingRules = { direction, maxPredictionBytes: competition.model.maxPredictionBytes, referencesSkipped: hosted.referencesSkipped };
    const checks = [...fileProblems, ...degenerateGameFindings(results, rules)];
    return {
      competition: { id: competition.id, file: command.competitionFile },
      modelsFile: examplesFile,
      run: { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), simulatedSeconds: (range.toMs - range.fromMs) / 1000, wallSeconds: Math.round(wallMs / 100) / 10 },
      configs: results.configs,
      models: results.models,
      checks,
      exitCode: checks.some((c) => c.verdict === 'WARN') ? 2 : 0,
    };
  } finally {
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

/**
 * A tournament has no feed history to replay: its example models answer rounds of synthetic inputs
 * (drawn from the competition's schemas) resolved with synthetic truths, through the API's
 * service, with the extension modules loaded (a scorer of the team's own).
 */
async function checkOfTournament(
  command: CheckArguments,
  competition: CompetitionDefinition,
  modelsFile: string,
  entries: ReturnType<typeof readModelsConfig>['entries'],
  fileProblems: CheckFinding[],
  extensions: Type[],
  logger: LoggerService,
  io: CommandIo,
): Promise<CheckReport> {
  const models = entries.filter((e) => e.desiredState === 'RUNNING').map((e): ModelIdentity => ({ id: e.id, name: e.name, role: 'example' }));
  const started = Date.now();
  let run;
  try {
    run = await checkTournament({ competition, modelsFile, models, extensions, logger, env: io.env });
  } catch (error) {
    if (error instanceof SyntheticPayloadError) throw new CheckFailedError(error.message);
    throw error;
  }
  if (run.results.models.every((m) => m.notRunning !== null)) throw new CheckFailedError(`no model started: ${run.results.models.map((m) => `${m.id}: ${m.notRunning}`).join('; ')}`);
  const rules: FindingRules = { direction: competition.leaderboard.direction !== 'auto' ? competition.leaderboard.direction : run.direction, maxPredictionBytes: competition.model.maxPredictionBytes, referencesSkipped: 'a tournament has no reference models (they forecast prices from a feed)' };
  const checks = [...fileProblems, ...degenerateGameFindings(run.results, rules)];
  return {
    competition: { id: competition.id, file: command.competitionFile },
    modelsFile,
    run: { from: new Date(run.fromMs).toISOString(), to: new Date(run.toMs).toISOString(), simulatedSeconds: 0, wallSeconds: Math.round((Date.now() - started) / 100) / 10 },
    tournamentRounds: run.rounds,
    configs: run.results.configs,
    models: run.results.models,
    checks,
    exitCode: checks.some((c) => c.verdict === 'WARN') ? 2 : 0,
  };
}

/** The competition file, validated as the app validates it at start (schema, then scorer and feed names), and the extension modules. */
function validatedCompetition(file: string, io: CommandIo): { competition: CompetitionDefinition; extensions: Type[] } {
  const competition = loadCompetitionFile(file);
  const extensions = loadExtensionModules(io.env.EXTENSION_MODULES, io.cwd);
  const config = loadAppConfig({ COMPETITION_FILE: file, ROLES: 'predict,score' });
  checkPluginNames({ config, competition, extensions });
  return { competition, extensions };
}

/** --models, else the competition's `models:`, else deployment/models.yaml (here, then in the coordinator's folder). */
function modelsFileOf(command: CheckArguments, competition: CompetitionDefinition, cwd: string): string {
  if (command.modelsFile !== undefined) return command.modelsFile;
  if (competition.models !== undefined) return competition.models;
  const here = path.resolve(cwd, 'deployment/models.yaml');
  return fs.existsSync(here) ? here : path.join(locateRunnerPaths().projectRoot, 'deployment', 'models.yaml');
}


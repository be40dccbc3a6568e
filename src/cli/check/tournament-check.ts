import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INestApplicationContext, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../app.module';
import { loadAppConfig } from '../../config/app-config';
import { paramKey, type CompetitionDefinition } from '../../config/competition/competition.types';
import type { Env } from '../../config/env';
import { hostedModelsEnv, hostedModelsPlan, hostedModelsStarted } from '../../model-orchestration/hosted-models';
import { PipelineLifecycle } from '../../pipeline-lifecycle';
import { PredictionRoundRepository } from '../../predict/round/prediction-round.repository';
import { ScoreCycleService } from '../../score/score-cycle.service';
import { TournamentPrediction } from '../../tournament/tournament-round';
import { TournamentService } from '../../tournament/tournament.service';
import type { CheckResults, ModelIdentity, ModelResult } from './check-results';
import { seededRandom } from './seeded-random';
import { syntheticPayload } from './synthetic-payload';

/** Rounds a check of a tournament opens (two, as the pack's post-rounds.mjs posts). */
export const CHECK_TOURNAMENT_ROUNDS = 2;
const SEED = 20260101;

export interface TournamentCheckSettings {
  competition: CompetitionDefinition;
  modelsFile: string;
  models: readonly ModelIdentity[];
  /** The team's modules (EXTENSION_MODULES): scorers of their own. */
  extensions: Type[];
  logger: LoggerService;
  /** Passed through to the local orchestrator (LOCAL_ORCHESTRATOR_PYTHON, _PIP_ARGS, _PYTHON_ENVS_DIR). */
  env: Env;
  /** How long the models may take to start (wall clock). Default 180 s (a Python model may build its environment). */
  modelStartTimeoutMs?: number;
}

export interface TournamentCheckRun {
  results: CheckResults;
  rounds: number;
  /** The scorer's better direction, as the running app's registry knows it (an extension's too). */
  direction: 'higher' | 'lower';
  fromMs: number;
  toMs: number;
}

/**
 * What `check` does for a tournament, which has no feed history to replay: the whole app (predict,
 * score and report roles) on a fresh embedded database, the local orchestrator hosting the
 * example models, then CHECK_TOURNAMENT_ROUNDS rounds opened with seeded synthetic inputs and
 * resolved with synthetic truths (both drawn from the competition file's schemas) through the same
 * service the API uses, and their predictions and scores summed per model.
 *
 * @example
 *   const run = await checkTournament({ competition, modelsFile, models, extensions: [], logger, env: {} });
 *   run.results.models[0].scoredPredictions // 2
 */
export async function checkTournament(settings: TournamentCheckSettings): Promise<TournamentCheckRun> {
  const { competition } = settings;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), `check-${competition.id}-`));
  const env: Env = {
    ...hostedModelsEnv(settings.env),
    DATA_DIR: tempDir,
    ROLES: 'predict,score,report',
    LOG_LEVEL: 'warn',
  };
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(
      AppModule.forRoot({ config: loadAppConfig(env), competition, fleet: hostedModelsPlan(env, competition, settings.modelsFile), extensions: settings.extensions, pipelineStart: 'manual' }),
      { logger: settings.logger, abortOnError: false },
    );
    await app.get(PipelineLifecycle).start();
    const notStarted = await hostedModelsStarted(app, settings.models.map((m) => m.id), settings.modelStartTimeoutMs ?? 180_000);
    const notRunning = new Map(notStarted.map((f) => [f.modelId ?? '', f.reason]));
    const fromMs = Date.now();
    const tournament = app.get(TournamentService);
    const random = seededRandom(SEED);
    const predictionRoundIds: string[] = [];
    const predictions: TournamentPrediction[] = [];
    for (let n = 1; n <= CHECK_TOURNAMENT_ROUNDS; n++) {
      const inputs = syntheticPayload(competition.tournament!.inputs, 'tournament.inputs', random);
      const truth = syntheticPayload(competition.tournament!.truth, 'tournament.truth', random) as number | number[];
      const { round } = await tournament.open({ clientRoundId: `check-${n}`, inputs, inputsFile: null });
      const resolved = await tournament.postTruth(round.id, truth);
      predictionRoundIds.push(resolved.predictionRoundId!);
      predictions.push(...(await tournament.details(resolved)).predictions);
    }
    const payloads = await app.get(PredictionRoundRepository).largestPayloadBytes({ roundIds: predictionRoundIds });
    const scored = predictions.filter((p) => p.scoreSuccess === true && p.scoreValue !== null);
    return {
      results: {
        configs: [{ config: paramKey(competition.predictions[0]), rounds: predictionRoundIds.length, scoredPredictions: scored.length }],
        models: settings.models.map((m) => modelResult(m, predictions, payloads.get(m.id) ?? null, notRunning.get(m.id) ?? null)),
      },
      rounds: predictionRoundIds.length,
      direction: app.get(ScoreCycleService).direction(),
      fromMs,
      toMs: Date.now(),
    };
  } finally {
    await app?.close().catch(() => undefined);
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

function modelResult(model: ModelIdentity, predictions: readonly TournamentPrediction[], largestPayloadBytes: number | null, notRunning: string | null): ModelResult {
  const own = predictions.filter((p) => p.modelId === model.id);
  const statuses: Record<string, number> = {};
  for (const p of own) statuses[p.status] = (statuses[p.status] ?? 0) + 1;
  const scores = own.filter((p) => p.scoreSuccess === true && p.scoreValue !== null).map((p) => p.scoreValue!);
  return {
    ...model,
    notRunning,
    statuses,
    firstFailure: own.find((p) => p.failureReason !== null)?.failureReason ?? own.find((p) => p.scoreFailedReason !== null)?.scoreFailedReason ?? null,
    scoredPredictions: scores.length,
    meanScore: scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length,
    allScoresZero: scores.length > 0 && scores.every((s) => s === 0),
    largestPayloadBytes,
  };
}

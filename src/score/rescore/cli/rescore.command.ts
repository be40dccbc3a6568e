import * as path from 'node:path';
import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AdminJob, AdminJobProgress } from '../../../admin/jobs/admin-job';
import { AdminJobConflictError } from '../../../admin/jobs/admin-job';
import { AdminJobRepository } from '../../../admin/jobs/admin-job.repository';
import { CommandIo, CommandUsageError, readCommandFlags } from '../../../cli/command-io';
import { SystemClock } from '../../../clock/clock';
import { ClockModule } from '../../../clock/clock.module';
import { AppConfig, loadAppConfig } from '../../../config/app-config';
import { ConfigError } from '../../../config/config-error';
import { ConfigModule } from '../../../config/config.module';
import { loadCompetitionFile } from '../../../config/competition/competition.loader';
import type { CompetitionDefinition } from '../../../config/competition/competition.types';
import { DataDirInUseError } from '../../../database/data-dir-lock';
import { DatabaseModule } from '../../../database/database.module';
import { DataSourceModule } from '../../../data-source/data-source.module';
import { DataSourceService } from '../../../data-source/data-source.service';
import { loadExtensionModules } from '../../../extensions/extension-modules';
import { parseIsoTimestamp } from '../../../report/query/iso-timestamp';
import { GROUND_TRUTH } from '../../ground-truth.source';
import { AdminJobRunner } from '../admin-job-runner.service';
import { rescoreJobParameters, RescoreRange, rescoreRange, RescoreRangeError } from '../rescore-parameters';
import { RescoreModule } from '../rescore.module';

export const USAGE = `usage: coordinator-node rescore --from ISO --to ISO [--competition FILE]
  Rescores, with the competition's current scorer, the rounds whose resolvable_at is in [from, to]:
  their scores, the window buckets, and the snapshots, commitments and leaderboards of the cycles
  they reach, in place, as a fresh run would have them. Idempotent; a rescore stopped mid-way is
  resumed by running the same command again. The same engine as POST /admin/rescore.
  Reads the node's database: DATABASE_URL, else the embedded one under DATA_DIR (stop the node
  first: the embedded database has one owner). Ground truth comes from the stored feed records.
  --competition FILE   the competition file (default: COMPETITION_FILE)`;

/**
 * `coordinator-node rescore`: exit codes 0 done, 1 could not (another rescore active, the job
 * failed, the data dir in use), 2 bad arguments or configuration.
 */
export async function run(args: string[], io: CommandIo): Promise<number> {
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | undefined;
  try {
    const command = readCommand(args);
    if (command === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    Logger.overrideLogger(false); // the progress line and the result are the output
    const config = loadAppConfig(io.env);
    const competitionFile = command.competitionFile ? path.resolve(io.cwd, command.competitionFile) : config.competitionFile;
    const competition = loadCompetitionFile(competitionFile);
    const extensions = loadExtensionModules(io.env.EXTENSION_MODULES?.trim() || undefined, io.cwd);
    app = await NestFactory.createApplicationContext(RescoreCommandModule.forRoot(config, competition, extensions), { logger: false, abortOnError: false });
    await app.init();
    const job = await queueOrResume(app.get(AdminJobRepository), competition.id, command.range, io);
    const progress = progressLine(io);
    const outcome = await app.get(AdminJobRunner).runOne(job, progress.update);
    progress.end();
    if (!outcome.ran) {
      io.stdout(`queued as job ${job.id}: a running coordinator's score role runs it (GET /admin/jobs/${job.id})\n`);
      return 0;
    }
    if (outcome.status === 'failed') {
      io.stderr(`coordinator-node rescore: job ${job.id} failed: ${outcome.error}; run the same command again to resume it\n`);
      return 1;
    }
    const done = (await app.get(AdminJobRepository).get(competition.id, job.id))!;
    io.stdout(
      `rescored ${done.progress.roundsDone} rounds (${done.progress.roundsWaiting} still waiting for ground truth), rewrote ${done.progress.cyclesDone} cycles; job ${job.id}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof CommandUsageError || error instanceof ConfigError || error instanceof RescoreRangeError) {
      io.stderr(`coordinator-node rescore: ${error.message}\n`);
      return 2;
    }
    if (error instanceof AdminJobConflictError || error instanceof DataDirInUseError) {
      io.stderr(`coordinator-node rescore: ${error.message}\n`);
      return 1;
    }
    io.stderr(`coordinator-node rescore: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}\n`);
    return 1;
  } finally {
    await app?.close();
  }
}

/** A new job, or the unfinished rescore of the same range (a run that was stopped): resumed. */
async function queueOrResume(jobs: AdminJobRepository, competitionId: string, range: RescoreRange, io: CommandIo): Promise<AdminJob> {
  const parameters = rescoreJobParameters(range);
  try {
    return await jobs.create({ competitionId, kind: 'rescore', parameters, keyId: 'cli' });
  } catch (error) {
    const active = error instanceof AdminJobConflictError ? error.active : null;
    if (active === null || active.parameters.from !== parameters.from || active.parameters.to !== parameters.to) throw error;
    io.stderr(`resuming job ${active.id} (${active.status}, ${active.progress.roundsDone} rounds done)\n`);
    return active;
  }
}

/** One line of progress: rewritten in place on a terminal, a line per step otherwise. */
function progressLine(io: CommandIo): { update: (p: AdminJobProgress) => void; end: () => void } {
  const tty = process.stderr.isTTY === true && io.stderr === process.stderr.write.bind(process.stderr);
  let last = '';
  return {
    update: (p) => {
      const line = p.phase === 'rounds' ? `rescore: rounds ${p.roundsDone}/${p.roundsTotal ?? '?'}` : `rescore: rounds ${p.roundsDone}/${p.roundsTotal ?? p.roundsDone}, cycles ${p.cyclesDone}/${p.cyclesTotal ?? '?'}`;
      if (line === last) return;
      last = line;
      io.stderr(tty ? `\r${line}` : `${line}\n`);
    },
    end: () => {
      if (tty && last) io.stderr('\n');
    },
  };
}

function readCommand(args: string[]): 'help' | { range: RescoreRange; competitionFile: string | undefined } {
  const { values } = readCommandFlags(args, { from: { type: 'string' }, to: { type: 'string' }, competition: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help === true) return 'help';
  const time = (flag: 'from' | 'to') => {
    const text = values[flag];
    if (typeof text !== 'string') throw new CommandUsageError(`--${flag} ISO is required (see --help)`);
    const at = parseIsoTimestamp(text);
    if (at === undefined) throw new CommandUsageError(`--${flag} must be one ISO-8601 datetime such as 2026-01-01T00:00:00Z, got "${text.slice(0, 40)}"`);
    return at;
  };
  const from = time('from');
  const to = time('to');
  if (from.getTime() > to.getTime()) throw new CommandUsageError(`--from (${from.toISOString()}) is after --to (${to.toISOString()})`);
  const competitionFile = typeof values.competition === 'string' ? values.competition : undefined;
  return { range: rescoreRange(from, to), competitionFile };
}

/** Ground truth from the feed's stored records (the feed itself is not started). */
@Global()
@Module({
  imports: [DataSourceModule],
  providers: [{ provide: GROUND_TRUTH, useExisting: DataSourceService }],
  exports: [DataSourceModule, GROUND_TRUTH],
})
class StoredMarketDataModule {}

/** What the command needs of the app: configuration, the database, stored ground truth, scoring, the job runner. */
@Module({})
class RescoreCommandModule {
  static forRoot(config: AppConfig, competition: CompetitionDefinition, extensions: DynamicModule['imports']): DynamicModule {
    return {
      module: RescoreCommandModule,
      imports: [ConfigModule.forRoot(config, competition), ClockModule.forRoot(new SystemClock()), DatabaseModule, StoredMarketDataModule, RescoreModule, ...(extensions ?? [])],
    };
  }
}

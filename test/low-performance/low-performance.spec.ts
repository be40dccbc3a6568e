import { Subject } from 'rxjs';
import { VirtualClock } from '../../src/clock/clock';
import { JobScheduler } from '../../src/clock/job-scheduler';
import { armDeclaredJobs } from '../../src/clock/scheduled-jobs.service';
import { parseCompetitionDefinition } from '../../src/config/competition/competition.loader';
import { ConfigError } from '../../src/config/config-error';
import type { CompetitionDefinition, LowPerformanceDefinition } from '../../src/config/competition/competition.types';
import type { LeaderboardEntry } from '../../src/leaderboard/leaderboard-entry';
import type { LeaderboardService } from '../../src/leaderboard/leaderboard.service';
import { modelsToDisable, RunningDeployment } from '../../src/low-performance/low-performance-policy';
import { LowPerformanceMonitor } from '../../src/low-performance/low-performance.monitor';
import type { MembershipEvent, ModelRunnerService } from '../../src/model-runner/model-runner.service';
import type { ScoreCycleService } from '../../src/score/score-cycle.service';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const DAY = 86_400;
const T0 = Date.UTC(2026, 0, 10);
const RULE: LowPerformanceDefinition = { window: 'anchor', threshold: 1, minScoredPredictions: 10 };

function entry(modelId: string, anchor: { value: number | null; count?: number; complete?: boolean }, left = false): LeaderboardEntry {
  return {
    rank: 1,
    model_id: modelId,
    model_name: modelId,
    cruncher_name: '',
    cruncher_id: '',
    score_recent: null,
    score_steady: null,
    score_anchor: anchor.value,
    windows: { anchor: { value: anchor.value, count: anchor.count ?? 50, failed: 0, complete: anchor.complete ?? true, params: 1 } },
    complete: { anchor: anchor.complete ?? true },
    scored_count: anchor.count ?? 50,
    previous_rank: null,
    left,
    last_status: 'SUCCESS',
  };
}

const runningSince = (joinedAtMs: number, ids: string[]) => new Map<string, RunningDeployment>(ids.map((id) => [id, { deploymentId: `${id}_d1`, joinedAtMs }]));

describe('low-performance policy', () => {
  const longAgo = T0 - 8 * DAY * 1000;

  it('disables a running model whose complete window is worse than the threshold', () => {
    const verdicts = modelsToDisable([entry('good', { value: 3 }), entry('poor', { value: 0.4 })], RULE, 'higher', runningSince(longAgo, ['good', 'poor']), T0, 7 * DAY, new Set());
    expect(verdicts).toEqual([{ modelId: 'poor', deploymentId: 'poor_d1', reason: 'anchor score 0.400000 over 50 predictions is below the threshold 1' }]);
  });

  it('reads "worse" as above the threshold when lower is better', () => {
    const verdicts = modelsToDisable([entry('a', { value: 3 }), entry('b', { value: 0.4 })], RULE, 'lower', runningSince(longAgo, ['a', 'b']), T0, 7 * DAY, new Set());
    expect(verdicts.map((v) => v.modelId)).toEqual(['a']);
  });

  it.each([
    ['a partial window', entry('m', { value: 0.1, complete: false })],
    ['too few scores', entry('m', { value: 0.1, count: 9 })],
    ['no value', entry('m', { value: null })],
    ['a model that left', entry('m', { value: 0.1 }, true)],
    ['a score at the threshold', entry('m', { value: 1 })],
  ])('spares %s', (_what, e) => {
    expect(modelsToDisable([e], RULE, 'higher', runningSince(longAgo, ['m']), T0, 7 * DAY, new Set())).toEqual([]);
  });

  it('gives a new deployment a whole window before judging it, and judges each deployment once', () => {
    const poor = [entry('m', { value: 0.1 })];
    const fresh = runningSince(T0 - 6 * DAY * 1000, ['m']);
    expect(modelsToDisable(poor, RULE, 'higher', fresh, T0, 7 * DAY, new Set())).toEqual([]);
    expect(modelsToDisable(poor, RULE, 'higher', fresh, T0 + DAY * 1000, 7 * DAY, new Set())).toHaveLength(1);
    expect(modelsToDisable(poor, RULE, 'higher', fresh, T0 + DAY * 1000, 7 * DAY, new Set(['m_d1']))).toEqual([]);
  });

  it('spares models the fleet is not running', () => {
    expect(modelsToDisable([entry('gone', { value: 0.1 })], RULE, 'higher', new Map(), T0, 7 * DAY, new Set())).toEqual([]);
  });
});

describe('lowPerformance in the competition file', () => {
  const reference = () => parse(fs.readFileSync(path.resolve(__dirname, '../../competitions/condorgame.yaml'), 'utf8'));

  it('is off unless set, and reads window, threshold and minimum count', () => {
    expect(parseCompetitionDefinition(reference()).leaderboard.lowPerformance).toBeNull();
    const doc = reference();
    doc.leaderboard.lowPerformance = { window: 'steady', threshold: 0.5, minScoredPredictions: 100 };
    expect(parseCompetitionDefinition(doc).leaderboard.lowPerformance).toEqual({ window: 'steady', threshold: 0.5, minScoredPredictions: 100 });
  });

  it.each([
    [{ window: 'forever', threshold: 1 }, 'leaderboard.lowPerformance.window'],
    [{ window: 'anchor' }, 'leaderboard.lowPerformance.threshold'],
    [{ window: 'anchor', threshold: 1, minScoredPredictions: 0 }, 'leaderboard.lowPerformance.minScoredPredictions'],
    [{ window: 'anchor', threshold: 1, treshold: 2 }, 'leaderboard.lowPerformance.treshold'],
  ])('rejects %j naming %s', (lowPerformance, key) => {
    const doc = reference();
    doc.leaderboard.lowPerformance = lowPerformance;
    try {
      parseCompetitionDefinition(doc);
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).key).toBe(key);
    }
  });
});

describe('LowPerformanceMonitor', () => {
  it('reports a poor model once per deployment after each new leaderboard, tracking joins from the fleet', async () => {
    const clock = new VirtualClock(T0);
    const scheduler = new JobScheduler(clock);
    const competition = {
      ...parseCompetitionDefinition(parse(fs.readFileSync(path.resolve(__dirname, '../../competitions/demo.yaml'), 'utf8'))),
    } as CompetitionDefinition;
    competition.leaderboard = { ...competition.leaderboard, lowPerformance: { window: 'recent', threshold: 1, minScoredPredictions: 5 } };
    const membership$ = new Subject<MembershipEvent>();
    const reports: Array<[string, string]> = [];
    const fleet = { membership$, reportLowPerformance: (id: string, reason: string) => reports.push([id, reason]) } as unknown as ModelRunnerService;
    let board: { createdAt: Date; entries: LeaderboardEntry[] } | null = null;
    const leaderboards = { latest: async () => board } as unknown as LeaderboardService;
    const cycles = { direction: () => 'higher' } as unknown as ScoreCycleService;
    const monitor = new LowPerformanceMonitor(competition, clock, leaderboards, cycles, fleet);
    monitor.onModuleInit();
    expect(await armDeclaredJobs(scheduler, monitor, competition)).toEqual([LowPerformanceMonitor.JOB_NAME]);

    const model = (id: string, deploymentId: string) => ({ modelId: id, deploymentId, modelName: id, cruncherId: '', cruncherName: '', ip: '', port: 0, infos: {} });
    membership$.next({ type: 'joined', model: model('poor', 'poor_1') });
    membership$.next({ type: 'joined', model: model('good', 'good_1') });
    const recentSeconds = competition.scoring.windows.find((w) => w.name === 'recent')!.seconds;

    board = { createdAt: new Date(T0), entries: [entry('poor', { value: 0.2 }), entry('good', { value: 5 })].map(asRecent) };
    await clock.advance(recentSeconds * 1000 - 60_000); // not yet a whole window since joining
    expect(reports).toEqual([]);

    await clock.advance(120_000); // a whole window now, but no new leaderboard to judge
    expect(reports).toEqual([]);

    board = { createdAt: new Date(clock.nowMs()), entries: board.entries };
    await clock.advance(competition.scoring.intervalSeconds * 1000);
    expect(reports.map(([id]) => id)).toEqual(['poor']);
    expect(reports[0][1]).toMatch(/^recent score 0.200000 over 50 predictions is below the threshold 1$/);

    // The same deployment is never reported twice, even on later leaderboards.
    board = { createdAt: new Date(clock.nowMs()), entries: board.entries };
    await clock.advance(competition.scoring.intervalSeconds * 1000 * 2);
    expect(reports).toHaveLength(1);
    await scheduler.stop();
    monitor.onApplicationShutdown();
  });
});

function asRecent(e: LeaderboardEntry): LeaderboardEntry {
  return { ...e, windows: { recent: e.windows.anchor } };
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config-error';
import { DefinitionReader } from './definition-reader';
import { PayloadSchema, readPayloadSchema } from './payload-schema';
import { readReportLayout } from './report-layout.reader';
import {
  CompetitionDefinition,
  FeedDefinition,
  LeaderboardDefinition,
  LowPerformanceDefinition,
  MethodDefinition,
  ModelInterfaceDefinition,
  PenaltyPolicy,
  PredictionConfigDefinition,
  RetentionDefinition,
  RewardsDefinition,
  ScoringDefinition,
  TickDefinition,
  TournamentDefinition,
  TOURNAMENT_ARGUMENTS,
  TOURNAMENT_FEED,
  WireType,
  answeredSteps,
  DEFAULT_MAX_COMPONENTS,
  paramKey,
} from './competition.types';

const WIRE_TYPES: readonly WireType[] = ['NONE', 'DOUBLE', 'INT', 'STRING', 'JSON'];
const ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
/** The seed-compatible report API exposes these three windows as score_recent/steady/anchor. */
export const SEED_WINDOWS = ['recent', 'steady', 'anchor'] as const;
const DAY = 86_400;
/** Longest wait a Node timer holds (2^31-1 ms, about 24.8 days): a longer interval would never run as meant. */
const LONGEST_TIMER_SECONDS = Math.floor(2_147_483_647 / 1000);
/** Upper bound of the look-back durations (history, horizons, windows): a year and a day. */
const LONGEST_LOOK_BACK_SECONDS = 366 * DAY;

/** Reads, parses and validates a competition file (YAML or JSON). Errors name the offending key. */
export function loadCompetitionFile(file: string): CompetitionDefinition {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('COMPETITION_FILE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: unknown;
  try {
    doc = path.extname(file) === '.json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError('(syntax)', String((err as Error).message).split('\n')[0], file);
  }
  return parseCompetitionDefinition(doc, file);
}

export function parseCompetitionDefinition(doc: unknown, file = '(inline)'): CompetitionDefinition {
  const root = new DefinitionReader(doc, '', file);
  root.onlyKeys(['id', 'name', 'description', 'feed', 'tick', 'model', 'predictions', 'scoring', 'leaderboard', 'retention', 'report', 'rewards', 'models', 'tournament']);
  const id = root.key('id').string({ pattern: ID_PATTERN, hint: 'letters, digits, _ . -; at most 64' });
  const tournament = readTournament(root, file);
  const feed = tournament ? tournamentFeed(tournament) : readFeed(root.key('feed'));
  if (!tournament && feed.adapter === TOURNAMENT_FEED) root.key('feed').key('adapter').problem(`"${TOURNAMENT_FEED}" holds no data: it is the feed of a competition with a tournament: section`);
  const predictions = tournament ? tournamentPredictions(tournament) : readPredictions(root.key('predictions'));
  const scoring = readScoring(root.key('scoring'), tournament !== undefined);
  const definition: CompetitionDefinition = {
    id,
    name: root.key('name').string({ default: id }),
    description: root.key('description').string({ default: '' }),
    feed,
    tick: readTick(root.key('tick')),
    model: readModel(root.key('model'), tournament !== undefined),
    predictions,
    scoring,
    leaderboard: readLeaderboard(root.key('leaderboard'), scoring),
    retention: readRetention(root.key('retention')),
    report: readReportLayout(root.key('report')),
    ...readRewards(root.key('rewards')),
  };
  const models = readModelsFile(root.key('models'), file);
  if (models) definition.models = models;
  if (tournament) definition.tournament = tournament;
  crossCheck(root, definition);
  return definition;
}

/** `models`: the local orchestrator's models file for this competition, relative to the competition file; resolved and checked to exist. */
function readModelsFile(r: DefinitionReader, file: string): string | undefined {
  if (!r.isPresent()) return undefined;
  const written = r.string({ pattern: /\S/, hint: 'a path relative to the competition file' });
  const resolved = path.resolve(file === '(inline)' ? process.cwd() : path.dirname(file), written);
  if (!fs.existsSync(resolved)) throw new ConfigError(r.path, `no such models file: ${written} (resolved to ${resolved})`, file);
  return resolved;
}

function readFeed(r: DefinitionReader): FeedDefinition {
  r.onlyKeys(['adapter', 'options', 'subjects', 'granularity', 'historySeconds', 'stalenessSeconds', 'pollSeconds']);
  const granularity = r.key('granularity').number({ default: 60, integer: true, min: 1, max: DAY });
  const historySeconds = r.key('historySeconds').number({ default: 86400 * 8, integer: true, min: granularity, max: LONGEST_LOOK_BACK_SECONDS });
  return {
    adapter: r.key('adapter').string({ pattern: /^[a-z0-9][a-z0-9-]*$/, hint: 'a registered feed adapter name' }),
    options: r.key('options').options(),
    subjects: r.key('subjects').stringList({ min: 1 }),
    granularity,
    historySeconds,
    stalenessSeconds: r.key('stalenessSeconds').number({ default: granularity * 2, min: 0, max: historySeconds }),
    // Polling less often than the window holds would leave it empty between polls.
    pollSeconds: r.key('pollSeconds').number({ default: granularity, integer: true, min: 1, max: Math.min(historySeconds, LONGEST_TIMER_SECONDS) }),
  };
}

function readTick(r: DefinitionReader): TickDefinition {
  if (r.isPresent()) r.onlyKeys(['interval', 'payload', 'valueField']);
  return {
    interval: r.key('interval').number({ default: 60, integer: true, min: 1, max: LONGEST_TIMER_SECONDS }),
    payload: r.key('payload').oneOf(['prices'] as const, { default: 'prices' }),
    valueField: r.key('valueField').string({ default: 'price' }),
  };
}

function readMethod(r: DefinitionReader, fallback: MethodDefinition): MethodDefinition {
  if (!r.isPresent()) return fallback;
  r.onlyKeys(['method', 'args']);
  return {
    method: r.key('method').string({ pattern: /^[A-Za-z_][A-Za-z0-9_]*$/ }),
    args: r.key('args').items().map((a) => {
      a.onlyKeys(['name', 'type', 'keyword']);
      return {
        name: a.key('name').string({ pattern: /^[A-Za-z_][A-Za-z0-9_]*$/ }),
        type: a.key('type').oneOf(WIRE_TYPES),
        keyword: a.key('keyword').boolean({ default: false }),
      };
    }),
  };
}

function readModel(r: DefinitionReader, tournament: boolean): ModelInterfaceDefinition {
  r.onlyKeys(['baseClass', 'tick', 'predict', 'callTimeoutMs', 'maxPredictionBytes', 'output']);
  const output = r.key('output');
  if (output.isPresent()) output.onlyKeys(['kind', 'maxComponents']);
  return {
    baseClass: r.key('baseClass').string({ pattern: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/, hint: 'a dotted class path such as condorgame.tracker.TrackerBase' }),
    tick: readMethod(r.key('tick'), { method: 'tick', args: [{ name: 'data', type: 'JSON' }] }),
    predict: readMethod(
      r.key('predict'),
      tournament
        ? { method: 'predict', args: [{ name: 'inputs', type: 'JSON' }] }
        : {
            method: 'predict',
            args: [
              { name: 'asset', type: 'STRING' },
              { name: 'horizon', type: 'INT' },
              { name: 'step', type: 'INT' },
            ],
          },
    ),
    callTimeoutMs: r.key('callTimeoutMs').number({ default: 60_000, integer: true, min: 10, max: 3_600_000 }),
    maxPredictionBytes: r.key('maxPredictionBytes').number({ default: 1_000_000, integer: true, min: 16 }),
    output: {
      kind: output.key('kind').oneOf(['distributions', 'number', 'vector', 'any'] as const, { default: 'distributions' }),
      maxComponents: output.key('maxComponents').number({ default: DEFAULT_MAX_COMPONENTS, integer: true, min: 1, max: 64 }),
    },
  };
}

function readPredictions(r: DefinitionReader): PredictionConfigDefinition[] {
  return r.items({ min: 1 }).map((p, i) => {
    p.onlyKeys(['asset', 'horizon', 'step', 'steps', 'interval', 'active', 'order', 'group']);
    const horizon = p.key('horizon').number({ integer: true, min: 1, max: LONGEST_LOOK_BACK_SECONDS });
    const steps = readSteps(p.key('steps'), horizon);
    const answered = steps === undefined ? null : answeredSteps({ horizon, steps })!;
    const step = p.key('step').number({ integer: true, min: 1, default: answered === null ? undefined : Math.min(...answered) });
    if (horizon % step !== 0) p.key('step').problem(`must divide horizon (${horizon})`);
    if (answered !== null && !answered.includes(step)) p.key('step').problem(`must be one of steps up to the horizon (${answered.join(', ')})`);
    return {
      asset: p.key('asset').string({ pattern: /^[A-Za-z0-9_.:/-]{1,32}$/ }),
      horizon,
      step,
      ...(steps === undefined ? {} : { steps }),
      interval: p.key('interval').number({ integer: true, min: 1, max: LONGEST_TIMER_SECONDS }),
      active: p.key('active').boolean({ default: true }),
      order: p.key('order').number({ default: i, integer: true }),
      group: p.key('group').string({ default: `${horizon}-${step}` }),
    };
  });
}

/**
 * A multi-resolution config's `steps`: distinct positive integers; those up to the horizon must
 * divide it, and at least one must be (larger ones are sent but skipped, as predict_all does).
 */
function readSteps(r: DefinitionReader, horizon: number): number[] | undefined {
  if (!r.isPresent()) return undefined;
  const steps = r.items({ min: 1 }).map((item, i, all) => {
    const step = item.number({ integer: true, min: 1 });
    if (step <= horizon && horizon % step !== 0) item.problem(`must divide horizon (${horizon}) or exceed it`);
    if (all.slice(0, i).some((earlier) => earlier.number() === step)) item.problem(`repeats step ${step}`);
    return step;
  });
  if (!steps.some((step) => step <= horizon)) r.problem(`must hold at least one step up to the horizon (${horizon})`);
  return steps;
}

function readPenalty(r: DefinitionReader): PenaltyPolicy {
  if (!r.isPresent()) return { policy: 'batch-min', cap: 0 };
  const policy = r.key('policy').oneOf(['batch-min', 'fixed', 'percentile'] as const);
  switch (policy) {
    case 'batch-min':
      r.onlyKeys(['policy', 'cap']);
      return { policy, cap: r.key('cap').isPresent() ? r.key('cap').number() : null };
    case 'fixed':
      r.onlyKeys(['policy', 'value']);
      return { policy, value: r.key('value').number() };
    case 'percentile':
      r.onlyKeys(['policy', 'percentile']);
      return { policy, percentile: r.key('percentile').number({ min: 0, max: 100 }) };
  }
}

function readScoring(r: DefinitionReader, tournament = false): ScoringDefinition {
  r.onlyKeys(['scorer', 'options', 'target', 'penalty', 'assetWeights', 'intervalSeconds', 'maxWaitSeconds', 'windows']);
  const windowsReader = r.key('windows');
  const windows = windowsReader.isPresent()
    ? Object.keys(windowsReader.object()).map((name) => ({ name, seconds: windowsReader.key(name).number({ integer: true, min: 1, max: LONGEST_LOOK_BACK_SECONDS }) }))
    : [
        { name: 'recent', seconds: 86400 },
        { name: 'steady', seconds: 3 * 86400 },
        { name: 'anchor', seconds: 7 * 86400 },
      ];
  for (const name of SEED_WINDOWS) {
    if (!windows.some((w) => w.name === name)) windowsReader.problem(`must define the "${name}" window (the report API serves score_${name})`);
  }
  const shortestWindow = Math.min(...windows.map((w) => w.seconds));
  const longestWindow = Math.max(...windows.map((w) => w.seconds));
  return {
    scorer: r.key('scorer').string({ pattern: /^[a-z0-9][a-z0-9-]*$/ }),
    options: r.key('options').options(),
    target: r.key('target').oneOf(['log-return', 'difference'] as const, { default: 'log-return' }),
    penalty: readPenalty(r.key('penalty')),
    ...readAssetWeights(r.key('assetWeights')),
    // A scoring interval longer than the shortest window would leave that window's scores stale;
    // waiting for ground truth longer than the longest window scores nothing the leaderboard shows.
    intervalSeconds: r.key('intervalSeconds').number({ default: 60, integer: true, min: 1, max: Math.min(shortestWindow, LONGEST_TIMER_SECONDS) }),
    // A tournament round waits for its posted truth: by default as long as the leaderboard can show it.
    maxWaitSeconds: r.key('maxWaitSeconds').number({ default: tournament ? longestWindow : 3600, integer: true, min: 0, max: longestWindow }),
    windows,
  };
}

function readAssetWeights(r: DefinitionReader): Pick<ScoringDefinition, 'assetWeights'> {
  if (!r.isPresent()) return {};
  // fromEntries defines own properties, so even an asset named "__proto__" stays a plain entry.
  return { assetWeights: Object.fromEntries(Object.keys(r.object()).map((asset) => [asset, r.key(asset).number({ exclusiveMin: 0 })])) };
}

function readLeaderboard(r: DefinitionReader, scoring: ScoringDefinition): LeaderboardDefinition {
  if (r.isPresent()) r.onlyKeys(['rankBy', 'direction', 'tiebreakers', 'minScoredPredictions', 'lowPerformance']);
  const names = scoring.windows.map((w) => w.name);
  const rankBy = r.key('rankBy').oneOf(names, { default: 'anchor' });
  const tiebreakers = r.key('tiebreakers').stringList({ default: ['steady', 'recent'].filter((n) => n !== rankBy) });
  tiebreakers.forEach((t, i) => {
    if (!names.includes(t)) r.key('tiebreakers').items()[i].problem(`unknown window "${t}" (windows: ${names.join(', ')})`);
  });
  return {
    rankBy,
    direction: r.key('direction').oneOf(['higher', 'lower', 'auto'] as const, { default: 'auto' }),
    tiebreakers,
    minScoredPredictions: r.key('minScoredPredictions').number({ default: 1, integer: true, min: 0 }),
    lowPerformance: readLowPerformance(r.key('lowPerformance'), names),
  };
}

function readLowPerformance(r: DefinitionReader, windows: string[]): LowPerformanceDefinition | null {
  if (!r.isPresent()) return null;
  r.onlyKeys(['window', 'threshold', 'minScoredPredictions']);
  return {
    window: r.key('window').oneOf(windows),
    threshold: r.key('threshold').number(),
    minScoredPredictions: r.key('minScoredPredictions').number({ default: 1, integer: true, min: 1 }),
  };
}

/** Ten years: a longer retention is a typo. */
const MAX_RETENTION_DAYS = 3660;

function readRetention(r: DefinitionReader): RetentionDefinition {
  if (r.isPresent()) r.onlyKeys(['predictionsDays', 'snapshotsDays', 'leaderboardsDays', 'feedRecordsDays']);
  return {
    predictionsDays: r.key('predictionsDays').number({ default: 30, exclusiveMin: 0, max: MAX_RETENTION_DAYS }),
    snapshotsDays: r.key('snapshotsDays').number({ default: 10, exclusiveMin: 0, max: MAX_RETENTION_DAYS }),
    leaderboardsDays: r.key('leaderboardsDays').number({ default: 10, exclusiveMin: 0, max: MAX_RETENTION_DAYS }),
    feedRecordsDays: r.key('feedRecordsDays').number({ default: 30, exclusiveMin: 0, max: MAX_RETENTION_DAYS }),
  };
}

/** Most base-unit decimals (as MAX_DECIMALS in src/rewards/base-units.ts). */
const MAX_REWARD_DECIMALS = 30;

function readRewards(r: DefinitionReader): { rewards?: RewardsDefinition } {
  if (!r.isPresent()) return {};
  r.onlyKeys(['every', 'delay', 'pool', 'function', 'options', 'decimals']);
  const every = r.key('every').number({ integer: true, min: 60 });
  return {
    rewards: {
      every,
      delay: r.key('delay').number({ default: 0, integer: true, min: 0, max: every - 1 }),
      pool: r.key('pool').isPresent() ? r.key('pool').number({ min: 0 }) : null,
      function: r.key('function').string({ default: 'exponential-top-k', pattern: /^[a-z0-9][a-z0-9-]*$/, hint: 'a registered reward function name' }),
      options: r.key('options').options(),
      decimals: r.key('decimals').number({ default: 6, integer: true, min: 0, max: MAX_REWARD_DECIMALS }),
    },
  };
}

function crossCheck(root: DefinitionReader, def: CompetitionDefinition): void {
  // A tournament's parameter set is derived (no `predictions` key to point at), valid by construction.
  if (!def.tournament) checkPredictions(root, def);
  const predictArgs = def.model.predict.args.map((a) => a.name);
  const known: readonly string[] = def.tournament ? TOURNAMENT_ARGUMENTS : ['asset', 'horizon', 'step', 'steps', 'interval'];
  predictArgs.forEach((name, i) => {
    if (!known.includes(name)) root.key('model').key('predict').key('args').items()[i].key('name').problem(`must be one of ${known.join(', ')}`);
  });
  if (!def.tournament) checkResolutions(root, def, predictArgs.includes('steps'));
  checkAssetWeights(root.key('scoring').key('assetWeights'), def);
}

function checkPredictions(root: DefinitionReader, def: CompetitionDefinition): void {
  const seen = new Set<string>();
  def.predictions.forEach((p, i) => {
    const at = root.key('predictions').items()[i];
    if (!def.feed.subjects.includes(p.asset)) at.key('asset').problem(`"${p.asset}" is not one of feed.subjects (${def.feed.subjects.join(', ')})`);
    const key = paramKey(p);
    if (seen.has(key)) at.problem(`duplicates the parameter set ${key}`);
    seen.add(key);
  });
}

/**
 * One predict method serves every config, so either all configs are multi-resolution (the method
 * takes `steps`, e.g. predict_all) or none is; a multi-resolution answer is a map of density lists.
 */
function checkResolutions(root: DefinitionReader, def: CompetitionDefinition, sendsSteps: boolean): void {
  def.predictions.forEach((p, i) => {
    const at = root.key('predictions').items()[i];
    if (sendsSteps && p.steps === undefined) at.key('steps').problem(`is required: model.predict.args sends "steps" (${def.model.predict.method})`);
    if (!sendsSteps && p.steps !== undefined) at.key('steps').problem('needs a "steps" argument in model.predict.args (e.g. predict_all(asset, horizon, steps))');
    if (p.steps !== undefined && def.model.output.kind !== 'distributions') {
      at.key('steps').problem(`needs model.output.kind "distributions" (got "${def.model.output.kind}")`);
    }
  });
}

function checkAssetWeights(r: DefinitionReader, def: CompetitionDefinition): void {
  const weights = def.scoring.assetWeights;
  if (weights === undefined) return;
  for (const asset of Object.keys(weights)) {
    if (!def.feed.subjects.includes(asset)) r.key(asset).problem(`"${asset}" is not one of feed.subjects (${def.feed.subjects.join(', ')})`);
  }
  const unweighted = [...new Set(def.predictions.map((p) => p.asset))].filter((asset) => !Object.prototype.hasOwnProperty.call(weights, asset));
  if (unweighted.length > 0) r.problem(`has no weight for ${unweighted.join(', ')} (every predicted asset needs one)`);
}

/** Largest tournament inputs by default: 10 MB of JSON. */
const DEFAULT_MAX_INPUT_BYTES = 10_000_000;
/** Seconds between polls of the tournament feed: it holds no data, so it is asked rarely. */
const TOURNAMENT_POLL_SECONDS = 3600;

/**
 * `tournament`: rounds come from the API, so the file has neither `feed` nor `predictions` (both
 * are derived); `inputsFolder` is resolved against the competition file and must exist.
 */
function readTournament(root: DefinitionReader, file: string): TournamentDefinition | undefined {
  const r = root.key('tournament');
  if (!r.isPresent()) return undefined;
  r.onlyKeys(['subject', 'inputs', 'truth', 'inputsFolder', 'maxInputBytes']);
  for (const key of ['feed', 'predictions'] as const) {
    if (root.key(key).isPresent()) root.key(key).problem(`must be absent in a tournament: its rounds and their data come from the API (POST /tournament/rounds)`);
  }
  const truth = readPayloadSchema(r.key('truth'));
  checkTruthSchema(r.key('truth'), truth);
  let inputsFolder: string | null = null;
  if (r.key('inputsFolder').isPresent()) {
    const written = r.key('inputsFolder').string({ pattern: /\S/, hint: 'a folder relative to the competition file' });
    inputsFolder = path.resolve(file === '(inline)' ? process.cwd() : path.dirname(file), written);
    if (!fs.existsSync(inputsFolder) || !fs.statSync(inputsFolder).isDirectory()) r.key('inputsFolder').problem(`no such folder: ${written} (resolved to ${inputsFolder})`);
  }
  return {
    subject: r.key('subject').string({ default: 'round', pattern: /^[A-Za-z0-9_.:/-]{1,32}$/ }),
    inputs: readPayloadSchema(r.key('inputs')),
    truth,
    inputsFolder,
    maxInputBytes: r.key('maxInputBytes').number({ default: DEFAULT_MAX_INPUT_BYTES, integer: true, min: 2, max: 100_000_000 }),
  };
}

/** The scorer reads the truth as a list of numbers: the schema must describe a number or a list of them. */
function checkTruthSchema(r: DefinitionReader, schema: PayloadSchema): void {
  const numeric = (types: readonly string[] | undefined) => types !== undefined && types.every((t) => t === 'number' || t === 'integer');
  if (numeric(schema.type)) return;
  if (schema.type?.length === 1 && schema.type[0] === 'array' && numeric(schema.items?.type)) return;
  r.problem('must describe a number or a list of numbers (type: number, or type: array with items: { type: number }): the scorer reads the truth as numbers');
}

/** A tournament's feed: the `tournament` adapter, which holds no data (rounds bring their inputs). */
function tournamentFeed(tournament: TournamentDefinition): FeedDefinition {
  return { adapter: TOURNAMENT_FEED, options: {}, subjects: [tournament.subject], granularity: 60, historySeconds: 60, stalenessSeconds: 0, pollSeconds: TOURNAMENT_POLL_SECONDS };
}

/**
 * A tournament's one parameter set: inactive, so no schedule opens its rounds (the API does);
 * a horizon of one second, so a round is due for scoring as soon as its truth is posted.
 */
function tournamentPredictions(tournament: TournamentDefinition): PredictionConfigDefinition[] {
  return [{ asset: tournament.subject, horizon: 1, step: 1, interval: LONGEST_TIMER_SECONDS, active: false, order: 0, group: 'tournament' }];
}

import type { PayloadSchema } from './payload-schema';

/**
 * A competition, as described by its definition file (YAML or JSON) after validation and
 * defaults. Durations are in seconds, as the model interface and the seed use them.
 */
export interface CompetitionDefinition {
  /** The crunch id: the orchestrator's WebSocket path and the database key of this competition. */
  id: string;
  name: string;
  description: string;
  feed: FeedDefinition;
  tick: TickDefinition;
  model: ModelInterfaceDefinition;
  predictions: PredictionConfigDefinition[];
  scoring: ScoringDefinition;
  leaderboard: LeaderboardDefinition;
  retention: RetentionDefinition;
  /** Leaderboard columns and chart widgets added to or overriding the derived ones (absent: none). */
  report?: ReportLayoutDefinition;
  /** Reward checkpoints; absent: the competition pays nothing (no checkpoint job). */
  rewards?: RewardsDefinition;
  /**
   * The models file the local orchestrator hosts for this competition when
   * LOCAL_ORCHESTRATOR_MODELS_CONFIG is unset (absolute; written relative to the competition file).
   */
  models?: string;
  /**
   * Present for a tournament: rounds are opened and resolved through the API
   * (`POST /tournament/rounds`, `POST /tournament/rounds/{id}/truth`) instead of by a schedule and
   * a feed. The loader then derives `feed` (the `tournament` adapter, which holds no data) and
   * `predictions` (one inactive parameter set, so no schedule opens rounds).
   */
  tournament?: TournamentDefinition;
}

/**
 * `tournament: { subject, inputs, truth, inputsFolder, maxInputBytes }`: what a round's inputs and
 * its ground truth look like (PayloadSchema, a JSON Schema subset), and where inputs files live.
 *
 * @example
 *   tournament:
 *     inputs: { type: object, required: [features], properties: { features: { type: array } } }
 *     truth: { type: array, items: { type: number } }
 *     inputsFolder: rounds
 */
export interface TournamentDefinition {
  /** The subject of the rounds' one parameter set (its `asset`, `round` by default). */
  subject: string;
  /** Schema of a round's inputs (`POST /tournament/rounds` `inputs`, or the file it names). */
  inputs: PayloadSchema;
  /** Schema of a round's truth (`POST /tournament/rounds/{id}/truth` `truth`): a number or a list of numbers. */
  truth: PayloadSchema;
  /** The folder inputs files are read from (absolute), or null: inputs come as JSON only. */
  inputsFolder: string | null;
  /** Largest inputs accepted, in bytes of JSON (a body's or a file's). */
  maxInputBytes: number;
}

/** The names a tournament's `model.predict.args` may send: the round's inputs and its id. */
export const TOURNAMENT_ARGUMENTS = ['inputs', 'round_id'] as const;

/** The `tournament` feed adapter: a tournament's data arrives with its rounds, not from a feed. */
export const TOURNAMENT_FEED = 'tournament';

export interface FeedDefinition {
  /** Registered feed adapter name: `synthetic`, `pyth`, `crunchdao`, `binance`, `csv`, ... */
  adapter: string;
  /** Adapter-specific options, validated by the adapter. */
  options: Record<string, unknown>;
  /** Subjects (assets) the feed provides. */
  subjects: string[];
  /** Seconds between records (60 for minute prices). */
  granularity: number;
  /** Seconds of history kept in memory and sent to newly joined models. */
  historySeconds: number;
  /** Maximum distance in seconds between a wanted time and the observation used for it. */
  stalenessSeconds: number;
  /** Seconds between feed polls. */
  pollSeconds: number;
}

export interface TickDefinition {
  /** Seconds between ticks. */
  interval: number;
  /** The tick payload shape: `prices` = `{subject: [[ts_seconds, value], ...]}`. */
  payload: 'prices';
  /** Which record field is the value sent to models and used as ground truth. */
  valueField: string;
}

export type WireType = 'NONE' | 'DOUBLE' | 'INT' | 'STRING' | 'JSON';

export interface MethodArgumentDefinition {
  /** Name of the value (a prediction-config field such as `asset`, `horizon`, `step`, or `data` for the tick payload). */
  name: string;
  type: WireType;
  /** Send as a keyword argument instead of positionally. */
  keyword?: boolean;
}

export interface MethodDefinition {
  method: string;
  args: MethodArgumentDefinition[];
}

export interface ModelInterfaceDefinition {
  /** The participant base class path the model server instantiates a subclass of. */
  baseClass: string;
  tick: MethodDefinition;
  predict: MethodDefinition;
  /** Per-call deadline in milliseconds. */
  callTimeoutMs: number;
  /** Largest accepted prediction payload, in bytes of JSON. */
  maxPredictionBytes: number;
  /** Shape every prediction must have. */
  output: PredictionOutputDefinition;
}

/** crunch-synth's limit of leaf distributions per density spec (predict_all rejects more). */
export const DEFAULT_MAX_COMPONENTS = 3;

export interface PredictionOutputDefinition {
  /** `distributions`: a list of horizon/step density specs; `number`: a scalar; `vector`: list of numbers; `any`: any JSON. */
  kind: 'distributions' | 'number' | 'vector' | 'any';
  /**
   * Leaf distributions allowed in one density spec of a multi-resolution answer (nested mixtures
   * counted by their leaves), checked when the answer arrives as crunch-synth's `predict_all`
   * does (default DEFAULT_MAX_COMPONENTS). Single-step answers are left to the scorer's own limit.
   */
  maxComponents?: number;
}

export interface PredictionConfigDefinition {
  asset: string;
  horizon: number;
  /** The parameter-set step: the config's only step, or (multi-resolution) the finest of `steps` by default. */
  step: number;
  /**
   * A multi-resolution config (`predict_all(asset, horizon, steps)`): the steps sent to the model,
   * as configured. Steps above the horizon are sent but not answered (crunch-synth's predict_all
   * skips them); see `answeredSteps`. Absent: a single-resolution config, answered with one list.
   */
  steps?: number[];
  /** Seconds between two predictions of this config. */
  interval: number;
  active: boolean;
  order: number;
  /** Configs of one group share a cadence and are round-robined across it. */
  group: string;
}

export type PenaltyPolicy =
  | { policy: 'batch-min'; cap: number | null }
  | { policy: 'fixed'; value: number }
  | { policy: 'percentile'; percentile: number };

export interface ScoringDefinition {
  scorer: string;
  options: Record<string, unknown>;
  /** What a step's ground truth is: log-return of the value, or its difference. */
  target: 'log-return' | 'difference';
  penalty: PenaltyPolicy;
  /**
   * Per-asset weights of the overall score (a weighted mean over parameter sets by their asset's
   * weight, as the Synth game weighs assets). Absent: every parameter set weighs the same.
   */
  assetWeights?: Record<string, number>;
  /** Seconds between scoring cycles. */
  intervalSeconds: number;
  /** Seconds after resolvable_at after which an unscorable prediction fails. */
  maxWaitSeconds: number;
  windows: ScoreWindowDefinition[];
}

export interface ScoreWindowDefinition {
  /** `recent`, `steady`, `anchor` for the seed-compatible API. */
  name: string;
  seconds: number;
}

export interface LeaderboardDefinition {
  /** Window name ranked on first. */
  rankBy: string;
  /** Higher or lower is better; `auto` takes the scorer's. */
  direction: 'higher' | 'lower' | 'auto';
  /** Window names used to break ties, in order. */
  tiebreakers: string[];
  /** Scored predictions a model needs (in the ranking window) to be ranked. */
  minScoredPredictions: number;
  /** When set, the coordinator disables persistently poor models (report_failure LOW_PERFORMANCE). */
  lowPerformance: LowPerformanceDefinition | null;
}

/**
 * A model is reported LOW_PERFORMANCE (the orchestrator stops it) when, in `window`, its score
 * is worse than `threshold` (below it when higher is better, above it when lower is better), the
 * window is complete, it has at least `minScoredPredictions` scores there, and its current
 * deployment has been running for at least the window's length (a fresh submission gets a fair run).
 */
export interface LowPerformanceDefinition {
  window: string;
  threshold: number;
  minScoredPredictions: number;
}

export interface RetentionDefinition {
  predictionsDays: number;
  snapshotsDays: number;
  leaderboardsDays: number;
  feedRecordsDays: number;
}

/**
 * `rewards: { every, delay, pool, function, options, decimals }`: a checkpoint closes each period
 * of `every` seconds (epoch-aligned: weekly periods end on Thursdays 00:00 UTC) and is taken
 * `delay` seconds after it closes (the Synth game: weekly, one day later), freezing the leaderboard
 * of that instant. `pool` null: set per checkpoint before it is submitted.
 */
export interface RewardsDefinition {
  every: number;
  delay: number;
  pool: number | null;
  /** A registered reward function (`exponential-top-k`, `tiers`, or a team's `@RewardFunction`). */
  function: string;
  options: Record<string, unknown>;
  /** Base-unit decimals of the integer amounts (6: 1.5 -> 1500000). */
  decimals: number;
}

/** `"{asset}-{horizon}-{step}"`, the seed's parameter-set key, e.g. `BTC-3600-60`. */
export function paramKey(config: Pick<PredictionConfigDefinition, 'asset' | 'horizon' | 'step'>): string {
  return `${config.asset}-${config.horizon}-${config.step}`;
}

/**
 * The parameter set a `paramKey` names (the asset may itself contain dashes), or undefined. Only
 * for keys read back from storage (`score_buckets.param`); everywhere else the set travels typed.
 *
 * @example
 *   parseParamKey('ETH-USD-300-60') // { asset: 'ETH-USD', horizon: 300, step: 60 }
 */
export function parseParamKey(key: string): Pick<PredictionConfigDefinition, 'asset' | 'horizon' | 'step'> | undefined {
  const match = /^(.+)-(\d+)-(\d+)$/.exec(key);
  return match ? { asset: match[1], horizon: Number(match[2]), step: Number(match[3]) } : undefined;
}

/**
 * The steps a multi-resolution answer holds, in the configured order: `steps` up to the horizon
 * (crunch-synth's predict_all skips larger ones). null for a single-resolution config.
 *
 * @example
 *   answeredSteps({ horizon: 3600, steps: [60, 300, 86400] }) // [60, 300]
 */
export function answeredSteps(config: Pick<PredictionConfigDefinition, 'horizon' | 'steps'>): number[] | null {
  return config.steps === undefined ? null : config.steps.filter((step) => step <= config.horizon);
}

/**
 * The competition file's config of a parameter set (matched by asset, horizon and step), e.g. to
 * find the steps of a stored prediction config; undefined when the file no longer defines it.
 */
export function definedPrediction(
  predictions: readonly PredictionConfigDefinition[],
  param: Pick<PredictionConfigDefinition, 'asset' | 'horizon' | 'step'>,
): PredictionConfigDefinition | undefined {
  return predictions.find((p) => p.asset === param.asset && p.horizon === param.horizon && p.step === param.step);
}

/**
 * Optional `report` section of a competition file: leaderboard columns and chart widgets added
 * to, or overriding, the ones the report derives from the competition (windows, scorer). A column
 * overrides the derived one with the same `property`; a widget the one with the same
 * `endpointUrl`; anything else is added. Field names are the ecosystem web app's.
 *
 * @example
 *   report:
 *     columns: [{ property: score_anchor, displayName: Anchor, format: decimal-4 }]
 *     widgets: [{ type: IFRAME, endpointUrl: https://grafana.example/d/x, displayName: Infra, order: 90 }]
 */
export interface ReportLayoutDefinition {
  columns: ReportColumnDefinition[];
  widgets: ReportWidgetDefinition[];
}

export type ReportColumnType = 'PROJECT' | 'VALUE' | 'USERNAME' | 'REWARD_RANK';

/** A leaderboard column (or the fields of one to override); `property` names the row field shown. */
export interface ReportColumnDefinition {
  property: string;
  type?: ReportColumnType;
  /** `percentage`, `integer`, `compact`, `number`, `decimal-N`, or null (shown as is). */
  format?: string | null;
  displayName?: string;
  tooltip?: string | null;
  nativeConfiguration?: Record<string, unknown> | null;
  order?: number;
}

export type ReportWidgetType = 'CHART' | 'IFRAME';

/** A chart or iframe widget (or the fields of one to override), keyed by `endpointUrl`. */
export interface ReportWidgetDefinition {
  endpointUrl: string;
  type?: ReportWidgetType;
  displayName?: string;
  tooltip?: string | null;
  order?: number;
  nativeConfiguration?: Record<string, unknown>;
}

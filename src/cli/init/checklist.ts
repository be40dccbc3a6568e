import type { PredictionOutputDefinition, WireType } from '../../config/competition/competition.types';

/** The organiser's decisions, one per checklist item (the keys of an answers file). */
export interface InitAnswers {
  name: string;
  pack: string;
  description: string;
  feed: string;
  assets: string[];
  granularity: number;
  historySeconds: number;
  tickInterval: number;
  baseClass: string;
  predictArgs: PredictArgument[];
  output: PredictionOutputDefinition['kind'];
  resolutions: Resolution[];
  scorer: string;
  target: 'log-return' | 'difference';
  windows: LeaderboardWindows;
  rankBy: keyof LeaderboardWindows;
}

export interface PredictArgument {
  name: 'asset' | 'horizon' | 'step' | 'interval';
  type: WireType;
}

/** One prediction configuration per asset: forecast `horizon` seconds in `step`s, every `interval` seconds. */
export interface Resolution {
  horizon: number;
  step: number;
  interval: number;
}

export interface LeaderboardWindows {
  recent: number;
  steady: number;
  anchor: number;
}

export type AnswerKey = keyof InitAnswers;

/** A value that does not answer a question; the message says what would. */
export class InvalidAnswerError extends Error {
  constructor(
    readonly key: AnswerKey,
    reason: string,
  ) {
    super(`${key}: ${reason}`);
    this.name = 'InvalidAnswerError';
  }
}

/**
 * One checklist item: how it is asked, read (from a flag, an answers file, a pack default or a
 * typed reply: a string, or a YAML value) and shown back as a default.
 */
export interface ChecklistQuestion<K extends AnswerKey = AnswerKey> {
  key: K;
  /** The command-line flag, without `--`. */
  flag: string;
  /** The checklist decision, as asked. */
  prompt: string;
  /** Reads a raw value; `earlier` holds the answers to the questions before it. Throws InvalidAnswerError. */
  parse(raw: unknown, earlier: Partial<InitAnswers>): InitAnswers[K];
  format(value: InitAnswers[K]): string;
}

/** The feed adapters shipped with the coordinator (src/data-source/adapters). */
export const FEED_ADAPTERS = ['synthetic', 'pyth', 'pyth-hermes', 'binance', 'crunchdao', 'csv', 'parquet', 'sql', 'websocket'];

/** Built-in scorers by the output they read (src/score/scorers/README.md). */
export const SCORERS_BY_OUTPUT: Record<InitAnswers['output'], string[]> = {
  distributions: ['density-pdf', 'density-log-likelihood', 'crps'],
  number: ['mse', 'mae'],
  vector: ['mse', 'mae', 'spearman'],
  any: [],
};

const ARGUMENT_TYPES: Record<PredictArgument['name'], WireType[]> = {
  asset: ['STRING'],
  horizon: ['INT', 'DOUBLE'],
  step: ['INT', 'DOUBLE'],
  interval: ['INT', 'DOUBLE'],
};

function text(key: AnswerKey, raw: unknown): string {
  if (typeof raw === 'number') return String(raw);
  if (typeof raw !== 'string') throw new InvalidAnswerError(key, `expected text, got ${JSON.stringify(raw)}`);
  return raw.trim();
}

function oneOf<T extends string>(key: AnswerKey, raw: unknown, allowed: readonly T[]): T {
  const value = text(key, raw);
  if (!allowed.includes(value as T)) throw new InvalidAnswerError(key, `must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

function seconds(key: AnswerKey, raw: unknown, min = 1): number {
  const value = typeof raw === 'number' ? raw : Number(text(key, raw));
  if (!Number.isInteger(value) || value < min) throw new InvalidAnswerError(key, `must be a whole number of seconds >= ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

/** A YAML list, or comma-separated text. */
function list(key: AnswerKey, raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  const items = text(key, raw)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidAnswerError(key, 'needs at least one item');
  return items;
}

const question = <K extends AnswerKey>(q: ChecklistQuestion<K>): ChecklistQuestion<K> => q;

/**
 * The design checklist, in the order it is walked: the project, the data source and its shape,
 * what models receive, the model interface, the predictions, the scoring, the leaderboard.
 * A question may read the answers before it (the scorer must read the chosen output).
 */
export const CHECKLIST: readonly ChecklistQuestion[] = [
  question({
    key: 'description',
    flag: 'description',
    prompt: 'Forecasting goal, in one sentence',
    parse: (raw) => {
      const value = text('description', raw);
      if (value.length === 0 || value.length > 300) throw new InvalidAnswerError('description', 'one sentence of 1 to 300 characters');
      // It is written into a Python docstring and YAML/TOML strings: keep it plain text.
      if (/[\\\n\r]|"{3}/.test(value)) throw new InvalidAnswerError('description', 'one line, without backslashes or triple quotes');
      return value;
    },
    format: (value) => value,
  }),
  question({
    key: 'feed',
    flag: 'feed',
    prompt: `Data source: feed adapter (${FEED_ADAPTERS.join(', ')}; synthetic works offline)`,
    parse: (raw) => oneOf('feed', raw, FEED_ADAPTERS),
    format: (value) => value,
  }),
  question({
    key: 'assets',
    flag: 'assets',
    prompt: 'Input data shape: the subjects (assets) of the feed, comma-separated',
    parse: (raw) => {
      const assets = list('assets', raw).map((item) => text('assets', item));
      const bad = assets.find((asset) => !/^[A-Za-z0-9_.:/-]{1,32}$/.test(asset));
      if (bad !== undefined) throw new InvalidAnswerError('assets', `"${bad}" is not an asset name (letters, digits, _ . : / -; at most 32)`);
      if (new Set(assets).size !== assets.length) throw new InvalidAnswerError('assets', 'an asset is listed twice');
      return assets;
    },
    format: (value) => value.join(','),
  }),
  question({
    key: 'granularity',
    flag: 'granularity',
    prompt: 'Input data shape: seconds between two feed points',
    parse: (raw) => seconds('granularity', raw),
    format: String,
  }),
  question({
    key: 'historySeconds',
    flag: 'history-seconds',
    prompt: 'What models receive: seconds of history sent to a model when it joins',
    parse: (raw, earlier) => {
      const value = seconds('historySeconds', raw);
      if (earlier.granularity !== undefined && value < earlier.granularity) {
        throw new InvalidAnswerError('historySeconds', `must be at least the granularity (${earlier.granularity})`);
      }
      return value;
    },
    format: String,
  }),
  question({
    key: 'tickInterval',
    flag: 'tick-interval',
    prompt: 'What models receive: seconds between two ticks (new prices)',
    parse: (raw) => seconds('tickInterval', raw),
    format: String,
  }),
  question({
    key: 'baseClass',
    flag: 'base-class',
    prompt: 'Model interface: name of the base class participants subclass',
    parse: (raw) => {
      const value = text('baseClass', raw);
      if (!/^[A-Z][A-Za-z0-9]{0,63}$/.test(value)) throw new InvalidAnswerError('baseClass', `"${value}" is not a class name (a capital letter, then letters and digits)`);
      return value;
    },
    format: (value) => value,
  }),
  question({
    key: 'predictArgs',
    flag: 'predict-args',
    prompt: 'Model interface: predict arguments as name:WIRE_TYPE, in order (asset, horizon and step required; interval optional)',
    parse: (raw) => {
      const args = list('predictArgs', raw).map((item): PredictArgument => {
        const [name, type] = typeof item === 'object' && item !== null ? [(item as { name?: unknown }).name, (item as { type?: unknown }).type] : text('predictArgs', item).split(':');
        const known = oneOf('predictArgs', name, Object.keys(ARGUMENT_TYPES) as PredictArgument['name'][]);
        const allowed = ARGUMENT_TYPES[known];
        const wire = type === undefined || type === '' ? allowed[0] : text('predictArgs', type).toUpperCase();
        if (!allowed.includes(wire as WireType)) throw new InvalidAnswerError('predictArgs', `${known} must be sent as ${allowed.join(' or ')}, got ${wire}`);
        return { name: known, type: wire as WireType };
      });
      for (const required of ['asset', 'horizon', 'step']) {
        if (!args.some((a) => a.name === required)) throw new InvalidAnswerError('predictArgs', `must include ${required}`);
      }
      if (new Set(args.map((a) => a.name)).size !== args.length) throw new InvalidAnswerError('predictArgs', 'an argument is listed twice');
      return args;
    },
    format: (value) => value.map((a) => `${a.name}:${a.type}`).join(','),
  }),
  question({
    key: 'output',
    flag: 'output',
    prompt: 'Model interface: what predict returns (distributions = horizon/step densities, number, vector)',
    parse: (raw) => oneOf('output', raw, ['distributions', 'number', 'vector'] as const),
    format: (value) => value,
  }),
  question({
    key: 'resolutions',
    flag: 'resolutions',
    prompt: 'Predictions: horizon/step/interval in seconds for every asset, comma-separated',
    parse: (raw) => {
      const resolutions = list('resolutions', raw).map((item): Resolution => {
        const parts =
          typeof item === 'object' && item !== null
            ? [(item as Resolution).horizon, (item as Resolution).step, (item as Resolution).interval]
            : text('resolutions', item).split('/');
        if (parts.length !== 3) throw new InvalidAnswerError('resolutions', `"${String(item)}" is not horizon/step/interval`);
        const [horizon, step, interval] = parts.map((part) => seconds('resolutions', part));
        if (horizon % step !== 0) throw new InvalidAnswerError('resolutions', `step ${step} must divide horizon ${horizon}`);
        return { horizon, step, interval };
      });
      const keys = resolutions.map((r) => `${r.horizon}/${r.step}`);
      if (new Set(keys).size !== keys.length) throw new InvalidAnswerError('resolutions', 'a horizon/step pair is listed twice');
      return resolutions;
    },
    format: (value) => value.map((r) => `${r.horizon}/${r.step}/${r.interval}`).join(','),
  }),
  question({
    key: 'scorer',
    flag: 'scorer',
    prompt: 'Scoring function (built-in scorer for the chosen output)',
    parse: (raw, earlier) => {
      const value = text('scorer', raw);
      const allowed = earlier.output ? SCORERS_BY_OUTPUT[earlier.output] : Object.values(SCORERS_BY_OUTPUT).flat();
      if (!allowed.includes(value)) {
        throw new InvalidAnswerError('scorer', `"${value}" cannot score output "${earlier.output}"; use one of ${allowed.join(', ')}`);
      }
      return value;
    },
    format: (value) => value,
  }),
  question({
    key: 'target',
    flag: 'target',
    prompt: 'Scoring: what the truth is per step (log-return or difference of the price)',
    parse: (raw) => oneOf('target', raw, ['log-return', 'difference'] as const),
    format: (value) => value,
  }),
  question({
    key: 'windows',
    flag: 'windows',
    prompt: 'Leaderboard windows in seconds: recent,steady,anchor',
    parse: (raw) => {
      const values =
        typeof raw === 'object' && raw !== null && !Array.isArray(raw)
          ? [(raw as LeaderboardWindows).recent, (raw as LeaderboardWindows).steady, (raw as LeaderboardWindows).anchor]
          : list('windows', raw);
      if (values.length !== 3) throw new InvalidAnswerError('windows', 'three durations: recent,steady,anchor');
      const [recent, steady, anchor] = values.map((v) => seconds('windows', v));
      if (!(recent <= steady && steady <= anchor)) throw new InvalidAnswerError('windows', 'recent <= steady <= anchor');
      return { recent, steady, anchor };
    },
    format: (value) => `${value.recent},${value.steady},${value.anchor}`,
  }),
  question({
    key: 'rankBy',
    flag: 'rank-by',
    prompt: 'Leaderboard ranking: the window that ranks (recent, steady, anchor)',
    parse: (raw) => oneOf('rankBy', raw, ['recent', 'steady', 'anchor'] as const),
    format: (value) => value,
  }),
];

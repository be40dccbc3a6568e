import { InitAnswers, PredictArgument } from './checklist';
import { ProjectNames } from './project-name';

/** Start prices of the synthetic feed for well-known assets; others start at 100. */
const START_PRICES: Record<string, number> = { BTC: 60000, ETH: 3000, SOL: 150, XAU: 2400 };

const ARGUMENT_DOCS: Record<PredictArgument['name'], string> = {
  asset: 'the subject to forecast, one of the feed subjects',
  horizon: 'seconds from now to the end of the forecast',
  step: 'seconds between two forecast points (the answer covers horizon // step steps)',
  interval: 'seconds between two predictions of this configuration',
};

const PY_TYPES: Record<string, string> = { STRING: 'str', INT: 'int', DOUBLE: 'float', JSON: 'dict' };
const TS_TYPES: Record<string, string> = { STRING: 'string', INT: 'number', DOUBLE: 'number', JSON: 'unknown' };

const OUTPUT_DOCS: Record<InitAnswers['output'], { summary: string; py: string; ts: string }> = {
  distributions: {
    summary: 'horizon // step density specifications, in time order, one per step',
    py: 'list[dict]: ``horizon // step`` densities such as ``{"type": "builtin", "name": "norm", "params": {"loc": 0.0, "scale": 0.01}}``',
    ts: 'Density[]',
  },
  number: { summary: 'one number', py: 'float: the forecast', ts: 'number' },
  vector: { summary: 'a list of numbers, one per step', py: 'list[float]: ``horizon // step`` numbers, one per step', ts: 'number[]' },
  any: { summary: 'any JSON value', py: 'object: any JSON value', ts: 'unknown' },
};

const SCORER_DIRECTIONS: Record<string, 'higher' | 'lower'> = {
  'density-pdf': 'higher',
  'density-log-likelihood': 'higher',
  crps: 'lower',
  mse: 'lower',
  mae: 'lower',
  spearman: 'higher',
};

/** Sample values of the predict arguments for the first configuration (tests, README). */
function sampleArguments(answers: InitAnswers): Record<PredictArgument['name'], string> {
  const first = answers.resolutions[0];
  return { asset: JSON.stringify(answers.assets[0]), horizon: String(first.horizon), step: String(first.step), interval: String(first.interval) };
}

/**
 * Every `{{name}}` a template may use, as text. Blocks that depend on lists (prediction
 * configurations, predict arguments, docstrings) are prepared here, so templates stay plain
 * files with substitutions only.
 */
export function templateValues(answers: InitAnswers, names: ProjectNames): Record<string, string> {
  const args = answers.predictArgs;
  const sample = sampleArguments(answers);
  const first = answers.resolutions[0];
  const predictions = answers.resolutions.flatMap((r) =>
    answers.assets.map(
      (asset, order) => `  - { asset: ${asset}, horizon: ${r.horizon}, step: ${r.step}, interval: ${r.interval}, group: ${r.horizon}-${r.step}, order: ${order} }`,
    ),
  );
  const maxHorizon = Math.max(...answers.resolutions.map((r) => r.horizon));
  const feedOptions =
    answers.feed === 'synthetic'
      ? `{ seed: 42, startPrices: { ${answers.assets.map((a) => `${a}: ${START_PRICES[a] ?? 100}`).join(', ')} } }`
      : '{}   # this adapter needs options: see src/data-source/README.md';
  return {
    name: names.project,
    module: names.module,
    pack: answers.pack,
    title: JSON.stringify(names.project),
    description: answers.description,
    description_yaml: JSON.stringify(answers.description),
    description_json: JSON.stringify(answers.description),
    feed: answers.feed,
    feed_options: feedOptions,
    assets_yaml: `[${answers.assets.join(', ')}]`,
    assets_json: JSON.stringify(answers.assets),
    assets_text: answers.assets.join(', '),
    granularity: String(answers.granularity),
    staleness_seconds: String(answers.granularity * 3),
    history_seconds: String(answers.historySeconds),
    tick_interval: String(answers.tickInterval),
    base_class: answers.baseClass,
    base_class_path: `${names.module}.tracker.${answers.baseClass}`,
    predict_args_yaml: args.map((a) => `      - { name: ${a.name}, type: ${a.type} }`).join('\n'),
    predict_args_text: args.map((a) => `${a.name}: ${a.type}`).join(', '),
    output: answers.output,
    output_summary: OUTPUT_DOCS[answers.output].summary,
    predictions_yaml: predictions.join('\n'),
    resolutions_text: answers.resolutions.map((r) => `${r.horizon}s in ${r.step}s steps every ${r.interval}s`).join('; '),
    max_wait_seconds: String(Math.max(120, maxHorizon)),
    scorer: answers.scorer,
    scorer_direction: SCORER_DIRECTIONS[answers.scorer] ?? 'auto',
    target: answers.target,
    windows_yaml: `{ recent: ${answers.windows.recent}, steady: ${answers.windows.steady}, anchor: ${answers.windows.anchor} }`,
    rank_by: answers.rankBy,
    tiebreakers_yaml: `[${(['steady', 'recent', 'anchor'] as const).filter((w) => w !== answers.rankBy).slice(0, 2).join(', ')}]`,
    first_asset: answers.assets[0],
    first_horizon: String(first.horizon),
    first_step: String(first.step),
    first_interval: String(first.interval),
    // Python
    py_predict_params: args.map((a) => a.name).join(', '),
    py_predict_args_doc: args.map((a) => `            ${a.name} (${PY_TYPES[a.type]}): ${ARGUMENT_DOCS[a.name]}.`).join('\n'),
    py_returns_doc: OUTPUT_DOCS[answers.output].py,
    py_predict_names_json: JSON.stringify(args.map((a) => a.name)),
    py_sample_call: args.map((a) => `${a.name}=${sample[a.name]}`).join(', '),
    // TypeScript
    ts_predict_params: args.map((a) => `${a.name}: ${TS_TYPES[a.type]}`).join(', '),
    ts_predict_names: args.map((a) => a.name).join(', '),
    ts_predict_args_doc: args.map((a) => `   * @param ${a.name} ${ARGUMENT_DOCS[a.name]} (wire type ${a.type}).`).join('\n'),
    ts_returns_type: OUTPUT_DOCS[answers.output].ts,
    ts_sample_call: args.map((a) => sample[a.name]).join(', '),
  };
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import type { ModelEntry } from '../../local-orchestrator/config/model-entry';
import { locateRunnerPaths } from '../../local-orchestrator/runner-paths';

/** The two models the check adds beside the examples, to see whether the scorer tells them apart. */
export type ReferenceKind = 'constant' | 'informed';

export const REFERENCE_MODEL_IDS: Record<ReferenceKind, string> = { constant: 'check-constant', informed: 'check-informed' };

/** The values a reference model can be asked for: the prediction config's fields. */
const KNOWN_ARGUMENTS = new Set(['asset', 'horizon', 'step', 'steps', 'interval']);

/** What the check hosts: the example models and, when the interface allows, the reference models. */
export interface CheckModels {
  /** The temporary models file: the examples (code paths made absolute) plus the references. */
  modelsFile: string;
  /** Why no reference models were written (the separation check is then skipped), or null. */
  referencesSkipped: string | null;
}

/**
 * Writes, under `dir`, a models file with the example models of `examplesFile` and two JavaScript
 * reference models subclassing the competition's base class: a **constant** one (the same wide
 * normal density whatever the data) and an **informed** one (a normal density whose spread is the
 * recent moves' root mean square, scaled to the step). Only density outputs are written; any other
 * interface gives `referencesSkipped` with the reason.
 */
export function writeCheckModels(competition: CompetitionDefinition, examplesFile: string, examples: readonly ModelEntry[], dir: string): CheckModels {
  const entries = exampleEntries(examplesFile);
  const jsExampleDirs = examples.filter((e) => e.language === 'javascript' || e.language === 'typescript').map((e) => e.codePath);
  const skipped = referencesUnsupported(competition) ?? null;
  const base = skipped === null ? locateBaseClass(competition.model.baseClass, jsExampleDirs) : null;
  const referencesSkipped = skipped ?? (base === null ? `no JavaScript package provides the base class ${competition.model.baseClass} (the reference models are JavaScript)` : null);
  if (referencesSkipped === null && base !== null) {
    for (const kind of ['constant', 'informed'] as const) {
      const codeDir = path.join(dir, `reference-${kind}`);
      fs.mkdirSync(codeDir, { recursive: true });
      fs.writeFileSync(path.join(codeDir, 'index.js'), referenceModelSource(competition, kind));
      // The base class must be the very module the examples load (the runner looks for a subclass of it).
      if (base.nodeModules !== null) fs.symlinkSync(base.nodeModules, path.join(codeDir, 'node_modules'), 'dir');
      entries.push({
        id: REFERENCE_MODEL_IDS[kind],
        name: `reference-${kind}`,
        cruncher_id: `check-reference-${kind}`,
        cruncher_name: 'check',
        desired_state: 'RUNNING',
        code_path: codeDir,
        language: 'javascript',
      });
    }
  }
  const modelsFile = path.join(dir, 'models.yaml');
  fs.writeFileSync(modelsFile, stringify({ models: entries }));
  return { modelsFile, referencesSkipped };
}

/** Why the reference models cannot answer this interface, or undefined when they can. */
function referencesUnsupported(competition: CompetitionDefinition): string | undefined {
  const { output, predict } = competition.model;
  if (output.kind !== 'distributions') return `output kind "${output.kind}": the reference models answer density forecasts only`;
  const unknown = predict.args.find((a) => !KNOWN_ARGUMENTS.has(a.name));
  if (unknown) return `predict argument "${unknown.name}" is not a prediction-config field the reference models know (${[...KNOWN_ARGUMENTS].join(', ')})`;
  if (!predict.args.some((a) => a.name === 'horizon') || !predict.args.some((a) => a.name === 'step' || a.name === 'steps')) {
    return `${predict.method} is not given the horizon and the step(s): the reference models cannot size their answer`;
  }
  return undefined;
}

/**
 * Where the base class's module resolves for a JavaScript model: from an example model's own
 * node_modules (a generated project links its package there), else the stand-in packages
 * (deployment/packages/js, on the runner's NODE_PATH). null when neither has it.
 */
function locateBaseClass(baseClass: string, exampleDirs: readonly string[]): { nodeModules: string | null } | null {
  const parts = baseClass.split('.');
  if (parts.length < 2) return null;
  const request = parts.slice(0, -1).join('/');
  for (const dir of exampleDirs) {
    const nodeModules = path.join(dir, 'node_modules');
    if (fs.existsSync(nodeModules) && resolves(request, dir)) return { nodeModules };
  }
  return resolves(path.join(locateRunnerPaths().jsPackagesDir, request)) ? { nodeModules: null } : null;
}

function resolves(request: string, from?: string): boolean {
  try {
    require.resolve(request, from === undefined ? undefined : { paths: [from] });
    return true;
  } catch {
    return false;
  }
}

/** The raw entries of the examples' models file, each code path made absolute (the copy lives elsewhere). */
function exampleEntries(file: string): Array<Record<string, unknown>> {
  const document: unknown = parse(fs.readFileSync(file, 'utf8'));
  const root = Array.isArray(document) ? { models: document } : ((document ?? {}) as { defaults?: Record<string, unknown>; models?: unknown });
  const list = Array.isArray(root.models) ? (root.models as unknown[]) : [];
  return list
    .filter((raw): raw is Record<string, unknown> => raw !== null && typeof raw === 'object' && !Array.isArray(raw))
    .map((raw) => {
      const entry = { ...(root.defaults ?? {}), ...raw };
      if (typeof entry.code_path === 'string') entry.code_path = path.resolve(path.dirname(file), entry.code_path);
      return entry;
    });
}

/** The JavaScript source of one reference model for the competition's interface. */
function referenceModelSource(competition: CompetitionDefinition, kind: ReferenceKind): string {
  const { model, scoring, feed } = competition;
  const parts = model.baseClass.split('.');
  const className = parts[parts.length - 1];
  const settings = {
    kind,
    target: scoring.target,
    granularity: feed.granularity,
    positional: model.predict.args.filter((a) => !a.keyword).map((a) => a.name),
    keywords: model.predict.args.filter((a) => a.keyword).map((a) => a.name),
    tickPositional: model.tick.args.filter((a) => !a.keyword).map((a) => a.name),
  };
  return `'use strict';
/**
 * Written by \`coordinator-node check\`: the ${kind} reference model. ${
   kind === 'constant'
     ? 'It answers the same wide normal density whatever the data.'
     : 'Its normal density follows the root mean square of the recent moves, scaled to the step.'
 }
 */
const { ${className}: Base } = require(${JSON.stringify(parts.slice(0, -1).join('/'))});

const SETTINGS = ${JSON.stringify(settings)};
/** The constant answer: far wider than the synthetic moves, for either target. */
const CONSTANT_SCALE = SETTINGS.target === 'log-return' ? 0.05 : 1;
/** Moves the informed spread is measured on. */
const RECENT_POINTS = 60;

function argumentValues(names, keywordNames, args) {
  const values = {};
  names.forEach((name, i) => (values[name] = args[i]));
  const keywords = args[names.length];
  if (keywordNames.length > 0 && keywords && typeof keywords === 'object') for (const name of keywordNames) values[name] = keywords[name];
  return values;
}

class CheckReference${kind === 'constant' ? 'Constant' : 'Informed'}Model extends Base {
  ${JSON.stringify(model.tick.method)}(...args) {
    const data = argumentValues(SETTINGS.tickPositional, [], args).data ?? args[0];
    const history = this.checkHistory || (this.checkHistory = {});
    if (data && typeof data === 'object') {
      for (const [asset, points] of Object.entries(data)) {
        const list = history[asset] || (history[asset] = []);
        for (const point of Array.isArray(points) ? points : []) if (Array.isArray(point) && (list.length === 0 || point[0] > list[list.length - 1][0])) list.push(point);
        if (list.length > RECENT_POINTS * 4) list.splice(0, list.length - RECENT_POINTS * 4);
      }
    }
    const inherited = Base.prototype[${JSON.stringify(model.tick.method)}];
    return typeof inherited === 'function' ? inherited.apply(this, args) : undefined;
  }

  ${JSON.stringify(model.predict.method)}(...args) {
    const { asset, horizon, step, steps } = argumentValues(SETTINGS.positional, SETTINGS.keywords, args);
    if (Array.isArray(steps)) {
      const answer = {};
      for (const s of steps) if (s <= horizon) answer[String(s)] = this.densities(asset, horizon, s);
      return answer;
    }
    return this.densities(asset, horizon, step);
  }

  densities(asset, horizon, step) {
    const scale = SETTINGS.kind === 'constant' ? CONSTANT_SCALE : this.recentScale(asset, step);
    return Array.from({ length: Math.floor(horizon / step) }, () => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale } }));
  }

  /** Root mean square of the recent moves between points, scaled from their spacing to \`step\`. */
  recentScale(asset, step) {
    const points = ((this.checkHistory || {})[asset] || []).slice(-RECENT_POINTS - 1);
    let sum = 0;
    let n = 0;
    for (let i = 1; i < points.length; i++) {
      const [t0, p0] = points[i - 1];
      const [t1, p1] = points[i];
      if (!(t1 > t0 && p0 > 0 && p1 > 0)) continue;
      const move = SETTINGS.target === 'log-return' ? Math.log(p1 / p0) : p1 - p0;
      sum += (move * move) / (t1 - t0);
      n++;
    }
    if (n < 5) return CONSTANT_SCALE;
    return Math.max(Math.sqrt((sum / n) * step), 1e-12);
  }
}

module.exports = { CheckReference${kind === 'constant' ? 'Constant' : 'Informed'}Model };
`;
}

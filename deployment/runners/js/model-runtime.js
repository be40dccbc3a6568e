'use strict';
/**
 * The JavaScript side of the model runner: what the in-container `model-runner` server does for
 * Python submissions, done for CommonJS (and, with @swc/core, TypeScript) submissions.
 *
 * Values cross the host boundary as typed texts `{type, text}` (type = NONE|DOUBLE|INT|STRING|JSON),
 * the same information as a wire Variant, so NaN, Infinity and int64 survive unchanged.
 *
 * Base-class convention: the Setup class name `a.b.ClassName` names the export `ClassName` of the
 * module `a/b`, resolved as the submission resolves it: its own node_modules first, then the
 * stand-ins of the packages directory (deployment/packages/js, on NODE_PATH), e.g.
 * `crunch_synth.tracker.TrackerBase` -> `deployment/packages/js/crunch_synth/tracker.js`. Submissions
 * import it the same way: `const { TrackerBase } = require('crunch_synth/tracker')`.
 *
 * Keyword arguments: JavaScript has no named parameters, so non-empty keyword arguments are passed
 * as one trailing plain object after the positional ones (omitted when there are none).
 *
 * @example
 *   const runtime = new ModelRuntime({ codeDir: 'deployment/models/gaussian-ewma', packagesDir });
 *   runtime.setup('condorgame.tracker.TrackerBase', [], {});
 *   await runtime.call('predict', [{type:'STRING',text:'BTC'}, {type:'INT',text:'3600'}, {type:'INT',text:'60'}], {});
 */
const fs = require('fs');
const path = require('path');
const Module = require('module');
const { stringifyPythonJson, parsePythonJson } = require('./python-json');

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const ENTRY_FILES = ['index', 'main', 'model', 'tracker'];
const CLASS_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/;

/** A failure with a model-runner status code (INVALID_ARGUMENT, BAD_IMPLEMENTATION, ...). */
class RunnerFailure extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function shortMessage(error) {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 500 ? text.slice(0, 500) + '...' : text;
}

/** Makes `require('condorgame/tracker')` resolve from the packages directory in this process. */
function addPackagesDirectory(packagesDir) {
  const current = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  if (current.includes(packagesDir)) return;
  process.env.NODE_PATH = [...current, packagesDir].join(path.delimiter);
  // Module paths are read once at start-up; re-reading them is how NODE_PATH applies at run time.
  Module._initPaths();
}

/** Where the submission's `require(request)` leads, or the stand-in when nothing installed provides it. */
function resolveFromSubmission(request, codeDir, packagesDir) {
  try {
    return require.resolve(request, { paths: [codeDir] });
  } catch {
    return path.join(packagesDir, request);
  }
}

let typescriptRegistered = false;
function registerTypeScript() {
  if (typescriptRegistered) return;
  let transformSync;
  try {
    ({ transformSync } = require('@swc/core'));
  } catch {
    throw new RunnerFailure('BAD_IMPLEMENTATION', 'TypeScript models need @swc/core installed next to the orchestrator');
  }
  require.extensions['.ts'] = (module, filename) => {
    const output = transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    module._compile(output.code, filename);
  };
  typescriptRegistered = true;
}

function decodeTyped(value, where) {
  if (!value || typeof value.type !== 'string' || typeof value.text !== 'string') {
    throw new RunnerFailure('INVALID_ARGUMENT', `${where}: malformed typed value`);
  }
  switch (value.type) {
    case 'NONE':
      return null;
    case 'DOUBLE':
      return Number(value.text);
    case 'INT': {
      const big = BigInt(value.text);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    case 'STRING':
      return value.text;
    case 'JSON':
      try {
        return parsePythonJson(value.text);
      } catch (error) {
        throw new RunnerFailure('INVALID_ARGUMENT', `${where}: ${shortMessage(error)}`);
      }
    default:
      throw new RunnerFailure('INVALID_ARGUMENT', `${where}: unsupported variant type ${value.type}`);
  }
}

/** Types a model's return value as the Python server does: null->NONE, float->DOUBLE, int/bool->INT, str->STRING, dict/list->JSON. */
function encodeReturnValue(value) {
  if (value === null || value === undefined) return { type: 'NONE', text: '' };
  switch (typeof value) {
    case 'boolean':
      return { type: 'INT', text: value ? '1' : '0' };
    case 'number':
      return Number.isSafeInteger(value) ? { type: 'INT', text: String(value) } : { type: 'DOUBLE', text: String(value) };
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new RunnerFailure('MODEL_FAILED', `returned integer ${value} does not fit in int64`);
      }
      return { type: 'INT', text: value.toString() };
    case 'string':
      return { type: 'STRING', text: value };
    case 'object':
      try {
        return { type: 'JSON', text: stringifyPythonJson(value) };
      } catch (error) {
        throw new RunnerFailure('MODEL_FAILED', `return value cannot be encoded: ${shortMessage(error)}`);
      }
    default:
      throw new RunnerFailure('MODEL_FAILED', `return value of type ${typeof value} cannot be encoded`);
  }
}

function listSourceFiles(codeDir, language) {
  const extensions = language === 'typescript' ? ['.ts', '.js', '.cjs'] : ['.js', '.cjs'];
  let names;
  try {
    names = fs.readdirSync(codeDir);
  } catch (error) {
    throw new RunnerFailure('BAD_IMPLEMENTATION', `cannot read code directory ${codeDir}: ${shortMessage(error)}`);
  }
  const rank = (name) => {
    const index = ENTRY_FILES.indexOf(path.parse(name).name);
    return index === -1 ? ENTRY_FILES.length : index;
  };
  return names
    .filter((name) => extensions.includes(path.extname(name)) && !name.endsWith('.d.ts') && !name.includes('.spec.'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => path.join(codeDir, name));
}

function exportedClasses(exported) {
  const candidates = typeof exported === 'function' ? [exported] : [];
  if (exported && (typeof exported === 'object' || typeof exported === 'function')) {
    for (const key of Object.keys(exported)) candidates.push(exported[key]);
  }
  return candidates.filter((candidate) => typeof candidate === 'function');
}

class ModelRuntime {
  /** @param {{codeDir: string, packagesDir: string, language?: string, freshModules?: boolean}} options */
  constructor(options) {
    this.codeDir = path.resolve(options.codeDir);
    this.packagesDir = path.resolve(options.packagesDir);
    this.language = options.language || 'javascript';
    // In-process hosts share one module cache: a redeployed submission must be read afresh.
    this.freshModules = Boolean(options.freshModules);
    this.instance = null;
  }

  get isSetUp() {
    return this.instance !== null;
  }

  resolveBaseClass(className) {
    if (typeof className !== 'string' || !CLASS_NAME.test(className)) {
      throw new RunnerFailure('INVALID_ARGUMENT', `className must look like "module.path.ClassName", got ${JSON.stringify(className)}`);
    }
    const parts = className.split('.');
    const exportName = parts.pop();
    addPackagesDirectory(this.packagesDir);
    let baseModule;
    try {
      // Resolved as the submission's own require would: its node_modules first, the stand-ins
      // (NODE_PATH) last, so an installed real package wins.
      baseModule = require(resolveFromSubmission(parts.join('/'), this.codeDir, this.packagesDir));
    } catch (error) {
      // As the real model server: a missing or broken base package is the submission's problem.
      throw new RunnerFailure('BAD_IMPLEMENTATION', `base class module ${parts.join('.')} cannot be loaded: ${shortMessage(error)}`);
    }
    const base = baseModule[exportName];
    if (typeof base !== 'function') {
      throw new RunnerFailure('INVALID_ARGUMENT', `base class ${className} is not exported by ${parts.join('.')}`);
    }
    return base;
  }

  findSubclass(base) {
    addPackagesDirectory(this.packagesDir);
    if (this.language === 'typescript') registerTypeScript();
    if (this.freshModules) {
      const prefix = this.codeDir + path.sep;
      for (const key of Object.keys(require.cache)) if (key.startsWith(prefix)) delete require.cache[key];
    }
    for (const file of listSourceFiles(this.codeDir, this.language)) {
      let exported;
      try {
        exported = require(file);
      } catch (error) {
        throw new RunnerFailure('BAD_IMPLEMENTATION', `cannot import ${path.basename(file)}: ${shortMessage(error)}`);
      }
      const found = exportedClasses(exported).find((candidate) => candidate !== base && candidate.prototype instanceof base);
      if (found) return found;
    }
    throw new RunnerFailure('BAD_IMPLEMENTATION', `no subclass of ${base.name} found in ${this.codeDir}`);
  }

  /** Instantiates the first strict subclass of `className`; a second Setup keeps the first instance. */
  setup(className, args, kwargs) {
    const base = this.resolveBaseClass(className);
    if (this.instance) return;
    const positional = (args || []).map((arg, i) => decodeTyped(arg, `instance argument ${i}`));
    const keywords = decodeKeywords(kwargs, 'instance keyword');
    const ModelClass = this.findSubclass(base);
    try {
      this.instance = keywords ? new ModelClass(...positional, keywords) : new ModelClass(...positional);
    } catch (error) {
      throw new RunnerFailure('SETUP_FAILED', `${ModelClass.name} constructor failed: ${shortMessage(error)}`);
    }
  }

  /** Calls a method of the model and returns its typed result. */
  async call(methodName, args, kwargs) {
    if (!this.instance) throw new RunnerFailure('FAILED_PRECONDITION', 'Setup must succeed before Call');
    if (typeof methodName !== 'string' || methodName === '') {
      throw new RunnerFailure('INVALID_ARGUMENT', 'methodName is empty');
    }
    const method = this.instance[methodName];
    if (typeof method !== 'function' || methodName === 'constructor' || methodName.startsWith('_')) {
      throw new RunnerFailure('BAD_IMPLEMENTATION', `model has no method ${methodName}`);
    }
    const positional = (args || []).map((arg, i) => decodeTyped(arg, `argument ${i}`));
    const keywords = decodeKeywords(kwargs, 'keyword');
    let result;
    try {
      result = await (keywords ? method.call(this.instance, ...positional, keywords) : method.call(this.instance, ...positional));
    } catch (error) {
      throw new RunnerFailure('MODEL_FAILED', `${methodName} raised ${shortMessage(error)}`);
    }
    return encodeReturnValue(result);
  }

  rest() {
    // Nothing to release between calls: instances keep their state until the process ends.
  }
}

function decodeKeywords(kwargs, where) {
  const keys = Object.keys(kwargs || {});
  if (keys.length === 0) return undefined;
  const out = {};
  for (const key of keys) out[key] = decodeTyped(kwargs[key], `${where} ${key}`);
  return out;
}

module.exports = { ModelRuntime, RunnerFailure, encodeReturnValue, decodeTyped, shortMessage };

import { builtinModules } from 'node:module';

/**
 * The names one project name becomes. `demo-game` is the competition id, the PyPI distribution
 * and the folder; `demo_game` is the Python import name and the npm package name, because the
 * runners resolve the base class `demo_game.tracker.TrackerBase` as `import demo_game.tracker`
 * (Python) and `require('demo_game/tracker')` (JavaScript), the same path in both languages.
 */
export interface ProjectNames {
  /** As typed: competition id, folder, PyPI distribution name. */
  project: string;
  /** Python import name and npm package name. */
  module: string;
}

export class InvalidProjectNameError extends Error {
  constructor(name: string, reason: string) {
    super(`invalid project name ${JSON.stringify(name)}: ${reason}`);
    this.name = 'InvalidProjectNameError';
  }
}

const PYTHON_KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from global if ' +
    'import in is lambda nonlocal not or pass raise return try while with yield match case type').split(' '),
);

/**
 * Standard-library modules the Python bridge or a model imports: a package with one of these
 * names, first on the model's sys.path, would hide the real one and break the model.
 */
const PYTHON_STDLIB = new Set(
  ('abc argparse array ast asyncio base64 bisect builtins calendar cmath collections contextlib copy csv ctypes dataclasses ' +
    'datetime decimal email enum errno functools gc glob hashlib heapq hmac html http importlib inspect io itertools json ' +
    'keyword linecache locale logging math multiprocessing numbers operator os pathlib pickle pkgutil platform queue random re ' +
    'select selectors shutil signal site socket sqlite3 stat statistics string struct subprocess sys tempfile test tests ' +
    'textwrap threading time timeit token tokenize traceback types typing unittest urllib uuid warnings weakref xml zipfile zlib ' +
    'numpy scipy pandas setuptools pip').split(' '),
);

/** Stand-in packages of deployment/packages: a project of that name would be confused with them. */
const STAND_IN_PACKAGES = new Set(['condorgame', 'crunch_synth']);

/**
 * Checks a project name against npm's and PyPI's package-name rules (and what the generated
 * files need: a Python identifier once `-` and `.` become `_`, a competition id of at most 64
 * characters). Throws InvalidProjectNameError with one reason.
 *
 * @example
 *   projectNames('demo-game') // { project: 'demo-game', module: 'demo_game' }
 *   projectNames('Demo')      // throws: invalid project name "Demo": npm package names are lowercase
 */
export function projectNames(name: string): ProjectNames {
  const fail = (reason: string): never => {
    throw new InvalidProjectNameError(name, reason);
  };
  if (name.length === 0) fail('it is empty');
  if (name.length > 64) fail('at most 64 characters (competition id)');
  if (name !== name.toLowerCase()) fail('npm package names are lowercase');
  if (/^[._]/.test(name)) fail('npm package names cannot start with "." or "_"');
  if (!/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/.test(name)) {
    fail('use lowercase letters, digits and "-", "_" or "." between them (npm and PyPI rules)');
  }
  if (/^[0-9]/.test(name)) fail('must start with a letter (it becomes a Python module name)');
  const module = name.replace(/[-.]/g, '_');
  if (/__/.test(module)) fail('separators cannot follow each other (the Python module name would hold "__")');
  if (PYTHON_KEYWORDS.has(module)) fail(`"${module}" is a Python keyword`);
  if (PYTHON_STDLIB.has(module)) fail(`"${module}" would hide the Python module of that name`);
  if (builtinModules.includes(name) || builtinModules.includes(module) || name === 'node_modules' || name === 'favicon.ico') {
    fail('npm refuses names of Node.js core modules');
  }
  if (STAND_IN_PACKAGES.has(module)) fail(`"${module}" is a stand-in package of deployment/packages`);
  return { project: name, module };
}

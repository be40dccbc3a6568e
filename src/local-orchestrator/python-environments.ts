import { execFile } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { OrchestratorLogger } from './orchestrator-logger';

/** Where environments are kept when nothing is configured: beside the embedded database (DATA_DIR). */
export const DEFAULT_PYTHON_ENVIRONMENTS_DIR = join('data', 'python-environments');

const REQUIREMENTS_FILE = 'requirements.txt';
const READY_MARKER = 'ready.json';
const PIP_LOG = 'pip.log';
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const MAX_REASON_CHARS = 600;

export interface PythonEnvironmentsOptions {
  /** Folder holding one virtual environment per requirements hash. */
  dir: string;
  /** Interpreter that creates the environments (and runs models without requirements). */
  pythonExecutable: string;
  /** Extra `pip install` options, e.g. `['--no-index', '--find-links', '/wheels']`. */
  pipArgs?: string[];
  /** Longest a venv creation or a pip install may take. Default 10 min. */
  timeoutMs?: number;
  logger: OrchestratorLogger;
}

/**
 * A model's requirements could not be installed (the real orchestrator's BUILD_FAILED). The
 * message carries pip's own ERROR lines, which name the package.
 */
export class PythonEnvironmentBuildError extends Error {
  readonly failureCode = 'BUILD_FAILED';

  constructor(
    readonly requirementsPath: string,
    readonly reason: string,
  ) {
    super(`BUILD_FAILED: ${requirementsPath}: ${reason}`);
    this.name = 'PythonEnvironmentBuildError';
  }
}

interface CommandResult {
  ok: boolean;
  output: string;
  description: string;
}

/**
 * Gives each Python model the interpreter it runs with: the configured one when its folder has no
 * `requirements.txt`, otherwise the python of a virtual environment made for those requirements.
 * Environments are created once per sha256 of (requirements text, interpreter, pip options, and
 * the model folder when the requirements name local files), with
 * `--system-site-packages` so the system's numpy/scipy (Debian packages) are used as they are.
 * A failed build is remembered for the process lifetime: models asking for the same requirements
 * get the same BUILD_FAILED at once instead of running pip again (edit requirements.txt, or
 * restart the orchestrator, to try again).
 *
 * @example
 *   const environments = new PythonEnvironments({ dir: 'data/python-environments', pythonExecutable: 'python3', logger });
 *   const python = await environments.interpreterFor('deployment/models/synth-python-tracker');
 */
export class PythonEnvironments {
  private readonly building = new Map<string, Promise<string>>();
  private readonly failures = new Map<string, PythonEnvironmentBuildError>();
  private readonly dir: string;

  constructor(private readonly options: PythonEnvironmentsOptions) {
    this.dir = resolve(options.dir);
  }

  async interpreterFor(codeDir: string): Promise<string> {
    const requirementsPath = join(codeDir, REQUIREMENTS_FILE);
    if (!existsSync(requirementsPath)) return this.options.pythonExecutable;
    const requirements = readFileSync(requirementsPath, 'utf8');
    if (!hasRequirements(requirements)) return this.options.pythonExecutable;
    const key = this.environmentKey(requirements, codeDir);
    const failure = this.failures.get(key);
    if (failure) throw new PythonEnvironmentBuildError(requirementsPath, `${failure.reason} (remembered from an earlier attempt)`);
    let build = this.building.get(key);
    if (!build) {
      build = this.build(key, requirementsPath, codeDir).finally(() => this.building.delete(key));
      this.building.set(key, build);
    }
    return build;
  }

  /** The folder of the environment for these requirements of the model in `codeDir` (tests, cleanup). */
  environmentDir(requirements: string, codeDir = '.'): string {
    return join(this.dir, this.environmentKey(requirements, codeDir));
  }

  private environmentKey(requirements: string, codeDir: string): string {
    return this.keyOf(requirements, refersToLocalFiles(requirements) ? resolve(codeDir) : undefined);
  }

  /** `codeDir` joins the identity when the requirements name files relative to it (`-r base.txt`, `./vendor/pkg`). */
  private keyOf(requirements: string, codeDir?: string): string {
    const identity = JSON.stringify([requirements, this.options.pythonExecutable, this.options.pipArgs ?? [], codeDir ?? null]);
    return createHash('sha256').update(identity).digest('hex').slice(0, 32);
  }

  private async build(key: string, requirementsPath: string, codeDir: string): Promise<string> {
    const envDir = join(this.dir, key);
    const python = join(envDir, 'bin', 'python');
    if (isReady(envDir)) return python;
    try {
      await this.create(key, requirementsPath, codeDir);
      return python;
    } catch (error) {
      if (error instanceof PythonEnvironmentBuildError) this.failures.set(key, error);
      throw error;
    }
  }

  /**
   * Builds in a folder of its own and renames it into place when ready, so a crash or another
   * orchestrator building the same environment never leaves a half-made one in use.
   */
  private async create(key: string, requirementsPath: string, codeDir: string): Promise<void> {
    const { logger, pythonExecutable } = this.options;
    const envDir = join(this.dir, key);
    const buildDir = join(this.dir, `${key}.building-${process.pid}`);
    const python = join(buildDir, 'bin', 'python');
    rmSync(buildDir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    logger.log(`creating a Python environment for ${requirementsPath} in ${envDir}`);
    const startedAt = Date.now();
    // Without its own pip when the system's pip is reachable through the system site packages (saves seconds).
    const venv = await this.run(pythonExecutable, ['-m', 'venv', '--system-site-packages', '--without-pip', buildDir], codeDir);
    if (!venv.ok) {
      rmSync(buildDir, { recursive: true, force: true });
      throw new PythonEnvironmentBuildError(requirementsPath, `${venv.description}: ${errorLines(venv.output)} (Debian: apt-get install python3-venv)`);
    }
    if (!(await this.run(python, ['-m', 'pip', '--version'], codeDir)).ok) {
      const ensurepip = await this.run(python, ['-m', 'ensurepip', '--default-pip'], codeDir);
      if (!ensurepip.ok) {
        rmSync(buildDir, { recursive: true, force: true });
        throw new PythonEnvironmentBuildError(requirementsPath, `no pip for the environment: ${errorLines(ensurepip.output)}`);
      }
    }
    const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', requirementsPath, ...(this.options.pipArgs ?? [])];
    const pip = await this.run(python, pipArgs, codeDir);
    writeFileSync(join(buildDir, PIP_LOG), pip.output);
    if (!pip.ok) {
      const failedDir = join(this.dir, `${key}.failed`);
      replaceDir(buildDir, failedDir); // kept for its pip.log
      throw new PythonEnvironmentBuildError(requirementsPath, `pip install failed: ${errorLines(pip.output)} (log: ${join(failedDir, PIP_LOG)})`);
    }
    writeFileSync(join(buildDir, READY_MARKER), JSON.stringify({ requirementsPath, createdAt: new Date().toISOString() }));
    if (isReady(envDir)) rmSync(buildDir, { recursive: true, force: true }); // another orchestrator finished first
    else replaceDir(buildDir, envDir);
    logger.log(`Python environment for ${requirementsPath} ready in ${Date.now() - startedAt} ms`);
  }

  private run(command: string, args: string[], cwd: string): Promise<CommandResult> {
    const description = `${command} ${args.slice(0, 3).join(' ')}`;
    return new Promise((done) => {
      execFile(
        command,
        args,
        { cwd, timeout: this.options.timeoutMs ?? 600_000, maxBuffer: MAX_OUTPUT_BYTES, env: { ...process.env, PIP_NO_INPUT: '1' } },
        (error, stdout, stderr) => {
          const output = `${stdout}${stderr}`;
          if (!error) return done({ ok: true, output, description });
          const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : error.killed ? 'timed out' : `exit code ${error.code}`;
          done({ ok: false, output: output || error.message, description: `${description} (${why})` });
        },
      );
    });
  }
}

function isReady(envDir: string): boolean {
  return existsSync(join(envDir, READY_MARKER));
}

function replaceDir(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  renameSync(from, to);
}

/** Whether a line points at a file or folder (read relative to the model's folder) rather than a package index. */
function refersToLocalFiles(text: string): boolean {
  return text.split(/\r?\n/).some((line) => /^\s*(-r|-c|-e|--requirement|--constraint|--editable|\.|\/|file:)/.test(line));
}

/** Lines other than blanks and comments: a file of comments only needs no environment. */
function hasRequirements(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/** pip's `ERROR:` lines (they name the package), else the last lines of the output. */
function errorLines(output: string): string {
  const lines = output.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const errors = lines.filter((line) => line.startsWith('ERROR:') || line.startsWith('Error:'));
  const text = (errors.length ? errors : lines.slice(-3)).join(' ');
  return text.length > MAX_REASON_CHARS ? text.slice(0, MAX_REASON_CHARS) + '...' : text;
}

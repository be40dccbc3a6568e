import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { localOrchestratorOptionsFromEnv } from '../../src/local-orchestrator/local-orchestrator-options';
import { OrchestratorLogger } from '../../src/local-orchestrator/orchestrator-logger';
import { PythonEnvironmentBuildError, PythonEnvironments } from '../../src/local-orchestrator/python-environments';
import { decodeVariant, variant } from './support/model-runner-test-client';
import { OrchestratorFixture } from './support/orchestrator-fixture';

const FIXTURES = resolve(__dirname, '..', 'fixtures');
const WITH_REQUIREMENTS = join(FIXTURES, 'python-models', 'with-requirements');
const MISSING_REQUIREMENT = join(FIXTURES, 'python-models', 'missing-requirement');

/** Zips test/fixtures/python-packages/tiny-helper into a wheel in a fresh folder (pip's --find-links). */
function buildFixtureWheels(): string {
  const wheels = mkdtempSync(join(tmpdir(), 'fixture-wheels-'));
  execFileSync('python3', ['-m', 'zipfile', '-c', join(wheels, 'tiny_helper-1.0.0-py3-none-any.whl'), 'tiny_helper', 'tiny_helper-1.0.0.dist-info'], {
    cwd: join(FIXTURES, 'python-packages', 'tiny-helper'),
  });
  return wheels;
}

class RecordingLogger implements OrchestratorLogger {
  readonly lines: string[] = [];
  log(message: string): void {
    this.lines.push(message);
  }
  warn(message: string): void {
    this.lines.push(message);
  }
  error(message: string): void {
    this.lines.push(message);
  }
  count(pattern: RegExp): number {
    return this.lines.filter((line) => pattern.test(line)).length;
  }
}

describe('PythonEnvironments: one virtual environment per requirements.txt', () => {
  let wheels: string;
  let dir: string;
  let logger: RecordingLogger;
  let environments: PythonEnvironments;

  beforeAll(() => {
    wheels = buildFixtureWheels();
    dir = mkdtempSync(join(tmpdir(), 'python-environments-'));
    logger = new RecordingLogger();
    environments = new PythonEnvironments({ dir, pythonExecutable: 'python3', pipArgs: ['--no-index', '--find-links', wheels], logger });
  });

  afterAll(() => [wheels, dir].forEach((path) => rmSync(path, { recursive: true, force: true })));

  it('runs a model without requirements.txt with the configured interpreter', async () => {
    expect(await environments.interpreterFor(join(FIXTURES, 'python-models', 'nested-tracker'))).toBe('python3');
  });

  it('installs the requirements once into an environment that sees the system site packages', async () => {
    const [python, again] = await Promise.all([environments.interpreterFor(WITH_REQUIREMENTS), environments.interpreterFor(WITH_REQUIREMENTS)]);
    expect(again).toBe(python);
    const envDir = environments.environmentDir(readFileSync(join(WITH_REQUIREMENTS, 'requirements.txt'), 'utf8'));
    expect(python).toBe(join(envDir, 'bin', 'python'));
    expect(execFileSync(python, ['-c', 'import tiny_helper; print(tiny_helper.GREETING)'], { encoding: 'utf8' }).trim()).toBe('installed from requirements.txt');
    expect(spawnSync('python3', ['-c', 'import tiny_helper']).status).not.toBe(0); // installed in the environment only
    expect(readFileSync(join(envDir, 'pyvenv.cfg'), 'utf8')).toMatch(/include-system-site-packages = true/);
    const systemHasNumpy = spawnSync('python3', ['-c', 'import numpy']).status === 0;
    if (systemHasNumpy) expect(spawnSync(python, ['-c', 'import numpy']).status).toBe(0);
    expect(await environments.interpreterFor(WITH_REQUIREMENTS)).toBe(python);
    expect(logger.count(/^creating a Python environment/)).toBe(1);
  });

  it('keeps a ready environment across orchestrator restarts', async () => {
    const restarted = new PythonEnvironments({ dir, pythonExecutable: 'python3', pipArgs: ['--no-index', '--find-links', wheels], logger });
    const before = logger.count(/^creating a Python environment/);
    await restarted.interpreterFor(WITH_REQUIREMENTS);
    expect(logger.count(/^creating a Python environment/)).toBe(before);
  });

  it('gives models whose requirements name local files an environment of their own', () => {
    const local = '-r base.txt\n';
    expect(environments.environmentDir('tiny-helper==1.0.0\n')).toBe(environments.environmentDir('tiny-helper==1.0.0\n'));
    expect(environments.environmentDir(local, '/models/a')).not.toBe(environments.environmentDir(local, '/models/b'));
    expect(environments.environmentDir('tiny-helper==1.0.0\n', '/models/a')).toBe(environments.environmentDir('tiny-helper==1.0.0\n', '/models/b'));
  });

  it('fails with BUILD_FAILED naming the missing package, and remembers it instead of running pip again', async () => {
    const attempt = environments.interpreterFor(MISSING_REQUIREMENT);
    await expect(attempt).rejects.toBeInstanceOf(PythonEnvironmentBuildError);
    await expect(attempt).rejects.toThrow(/^BUILD_FAILED: .*missing-requirement\/requirements.txt: pip install failed: .*a-package-that-does-not-exist-anywhere/);
    const log = /\(log: (.+)\)$/.exec(((await attempt.catch((error: Error) => error)) as Error).message)?.[1];
    expect(readFileSync(log!, 'utf8')).toMatch(/No matching distribution found for a-package-that-does-not-exist-anywhere/);
    const builds = logger.count(/^creating a Python environment/);
    await expect(environments.interpreterFor(MISSING_REQUIREMENT)).rejects.toThrow(/a-package-that-does-not-exist-anywhere.*remembered from an earlier attempt/);
    expect(logger.count(/^creating a Python environment/)).toBe(builds);
  });
});

describe('Python models with a requirements.txt in the local orchestrator', () => {
  const fixture = new OrchestratorFixture();
  let wheels: string;
  let dir: string;

  beforeAll(async () => {
    wheels = buildFixtureWheels();
    dir = mkdtempSync(join(tmpdir(), 'python-environments-'));
    await fixture.start(
      [
        { id: 'helper', code_path: WITH_REQUIREMENTS, language: 'python' },
        { id: 'missing', code_path: MISSING_REQUIREMENT, language: 'python' },
      ],
      { pythonEnvironmentsDir: dir, pipArgs: ['--no-index', '--find-links', wheels], baseClassName: 'crunch_synth.tracker.TrackerBase' },
    );
  }, 120_000);

  afterAll(async () => {
    await fixture.stop();
    [wheels, dir].forEach((path) => rmSync(path, { recursive: true, force: true }));
  });

  it('runs the model in its own environment, where its requirement is importable', async () => {
    const client = fixture.client('helper');
    expect((await client.setup('crunch_synth.tracker.TrackerBase')).status.code).toBe('SUCCESS');
    const where = JSON.parse(decodeVariant((await client.call('where')).methodResponse) as string);
    expect(where).toEqual({ greeting: 'installed from requirements.txt', prefix: expect.stringContaining(dir) });
    const answer = await client.call('predict_all', [variant.string('BTC'), variant.int(3600), variant.json('[300, 3600]')]);
    expect(Object.keys(JSON.parse(decodeVariant(answer.methodResponse) as string))).toEqual(['300', '3600']);
  });

  it('reports a model whose requirements cannot be installed as BUILD_FAILED and does not retry it on rescan', async () => {
    const halted = () => fixture.orchestrator.statuses().find((status) => status.modelId === 'missing');
    expect(halted()).toMatchObject({ state: 'STOPPED', haltedReason: expect.stringMatching(/^BUILD_FAILED: .*a-package-that-does-not-exist-anywhere/) });
    await fixture.orchestrator.rescan();
    expect(halted()).toMatchObject({ state: 'STOPPED', haltedReason: expect.stringMatching(/^BUILD_FAILED/) });
    expect(fixture.orchestrator.runningStates().map((state) => state.model_id)).toEqual(['helper']);
  });
});

describe('Python environment settings from the environment', () => {
  it('keeps environments under DATA_DIR unless LOCAL_ORCHESTRATOR_PYTHON_ENVS_DIR says otherwise, and splits the pip options', () => {
    const competition = { crunchId: 'synth' };
    expect(localOrchestratorOptionsFromEnv({ DATA_DIR: '/var/coordinator' }, competition)).toMatchObject({
      pythonEnvironmentsDir: join('/var/coordinator', 'python-environments'),
      pipArgs: [],
    });
    expect(
      localOrchestratorOptionsFromEnv({ LOCAL_ORCHESTRATOR_PYTHON_ENVS_DIR: '/envs', LOCAL_ORCHESTRATOR_PIP_ARGS: ' --no-index  --find-links /wheels ' }, competition),
    ).toMatchObject({ pythonEnvironmentsDir: '/envs', pipArgs: ['--no-index', '--find-links', '/wheels'] });
  });
});

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppProcess, freePort, waitFor200 } from '../support/app-process';
import { applyCopy, dockerIgnore } from './support/docker-context';
import { DockerStage, dockerStages } from './support/dockerfile';

/**
 * The Dockerfile's runtime stage rebuilt without Docker: its build stage compiled from exactly
 * the files its COPY lines name, then the runtime stage's COPY lines copied into an empty folder,
 * `npm ci --omit=dev` there, and the app started from its CMD. A package the app needs at run
 * time but listed in devDependencies (or a file the build reads but no COPY names) fails it.
 */

const ROOT = path.resolve(__dirname, '../..');
const NPM_PROBE_TIMEOUT_MS = 20_000;

/** Why npm cannot install here (no registry), or null. */
function npmUnavailable(): string | null {
  const ping = spawnSync('npm', ['ping'], { timeout: NPM_PROBE_TIMEOUT_MS, encoding: 'utf8' });
  if (ping.error) return `npm cannot run (${ping.error.message})`;
  return ping.status === 0 ? null : `the npm registry does not answer (npm ping: ${(ping.stderr || ping.stdout).trim().split('\n').pop()})`;
}

const unavailable = npmUnavailable();
if (unavailable) process.stderr.write(`test/ops/dockerfile-runtime.spec.ts: the Dockerfile runtime stage SKIPPED: ${unavailable}\n`);
const withNpm = unavailable ? describe.skip : describe;

function stage(stages: DockerStage[], name: string): DockerStage {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage "${name}" (stages: ${stages.map((s) => s.name).join(', ')})`);
  return found;
}

/**
 * Runs a stage's RUN lines in `dir` the way the image would, except what the host already has:
 * system packages (apt-get), folder ownership, npm's cache cleaning (the cache is shared here).
 * The build stage's `npm ci` links the project's node_modules (same lockfile, dev dependencies
 * included); the runtime's runs for real. Any other command fails the test, to be taught here.
 */
function runStage(s: DockerStage, dir: string): void {
  for (const run of s.runs) {
    for (const step of run.split('&&').map((part) => part.trim())) {
      if (/^(apt-get|rm -rf \/var\/lib\/apt|mkdir|chown|npm cache clean)\b/.test(step)) continue;
      const install = /^npm ci\b(.*)$/.exec(step);
      if (install && s.name !== 'runtime') {
        fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
        continue;
      }
      if (install) {
        const flags = install[1].trim().split(/\s+/).filter(Boolean);
        execFileSync('npm', ['ci', ...flags, '--prefer-offline', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: s.env.NODE_ENV ?? '' }, timeout: 600_000 });
        continue;
      }
      const script = /^npm run (\S+)$/.exec(step);
      if (script) {
        execFileSync('npm', ['run', script[1]], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
        continue;
      }
      throw new Error(`the ${s.name} stage runs "${step}", which this test does not know how to reproduce`);
    }
  }
}

withNpm('the Dockerfile runtime stage, rebuilt without Docker', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-image-'));
  const buildDir = path.join(work, 'build');
  const imageDir = path.join(work, 'app');
  const stages = dockerStages(path.join(ROOT, 'Dockerfile'));
  const build = stage(stages, 'build');
  const runtime = stage(stages, 'runtime');
  let app: AppProcess | undefined;

  beforeAll(() => {
    const ignored = dockerIgnore(ROOT);
    fs.mkdirSync(buildDir);
    for (const copy of build.copies) applyCopy(copy, { sourceDir: ROOT, ignored, imageDir: buildDir });
    runStage(build, buildDir);

    fs.mkdirSync(imageDir);
    for (const copy of runtime.copies) {
      if (copy.from !== undefined && copy.from !== build.name) throw new Error(`COPY line ${copy.line} copies from an unknown stage ${copy.from}`);
      if (copy.from === build.name) applyCopy(copy, { sourceDir: buildDir, sourceWorkdir: build.workdir, imageDir });
      else applyCopy(copy, { sourceDir: ROOT, ignored, imageDir });
    }
    runStage(runtime, imageDir);
  }, 900_000);

  afterAll(async () => {
    await app?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }, 30_000);

  it('holds production dependencies only, installed in the folder itself', () => {
    expect(fs.lstatSync(path.join(imageDir, 'node_modules')).isSymbolicLink()).toBe(false);
    // Node looks for packages in every parent folder too: none may offer one the image would lack.
    const ancestors: string[] = [];
    for (let dir = path.dirname(imageDir); !ancestors.includes(dir); dir = path.dirname(dir)) ancestors.push(dir); // up to and with /
    expect(ancestors.filter((dir) => fs.existsSync(path.join(dir, 'node_modules')))).toEqual([]);
    // The development tools are not there (some @types packages are, as dependencies of dependencies).
    const tools = ['typescript', 'jest', '@nestjs/testing', 'autocannon', 'playwright-core'];
    expect(tools.filter((name) => fs.existsSync(path.join(imageDir, 'node_modules', name)))).toEqual([]);
    expect(fs.existsSync(path.join(imageDir, 'node_modules', '@nestjs/core'))).toBe(true);
  });

  it('starts from its CMD and answers 200 on /healthz', async () => {
    expect(runtime.cmd.slice(0, 1)).toEqual(['node']);
    const port = await freePort();
    const dataDir = path.join(work, 'data');
    let out = '';
    const child = spawn(process.execPath, runtime.cmd.slice(1), {
      cwd: imageDir,
      env: { ...runtime.env, PATH: process.env.PATH ?? '', HOME: work, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ENV_FILE: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    app = {
      child,
      port,
      output: () => out,
      stop: () =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve({ code: child.exitCode, ms: 0 });
          child.once('exit', (code) => resolve({ code, ms: 0 }));
          child.kill('SIGTERM');
        }),
    };
    await waitFor200(`http://127.0.0.1:${port}/healthz`, 180_000, app);
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { status: string };
    expect(['ok', 'degraded']).toContain(health.status);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200); // the web page, from src/report/web
  }, 240_000);
});

import { status as GrpcStatus } from '@grpc/grpc-js';
import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { createInterface } from 'readline';
import { modelDir, writeModelsConfig } from './support/models-config-fixture';
import { TestModelClient, variant } from './support/model-runner-test-client';

const ROOT = resolve(__dirname, '..', '..');
const STAND_IN = join(__dirname, 'support', 'coordinator-stand-in.ts');
const REGISTER = join(ROOT, 'test', 'support', 'register-typescript.js');
const PREDICT_ARGS = [variant.string('BTC'), variant.int(60), variant.int(60)];
const modelDirs: string[] = [];

interface ProcessInfo {
  pid: number;
  ppid: number;
  state: string;
  cmdline: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(ppid), state, cmdline };
  } catch {
    return undefined;
  }
}

/** Every process below `pid` (children, grandchildren...), read from /proc. */
function descendants(pid: number): ProcessInfo[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((info): info is ProcessInfo => info !== undefined);
  const found: ProcessInfo[] = [];
  let parents = new Set([pid]);
  while (parents.size > 0) {
    const children = all.filter((info) => parents.has(info.ppid));
    found.push(...children);
    parents = new Set(children.map((info) => info.pid));
  }
  return found;
}

/** Still running: the pid exists, is not a zombie, and runs the same command (not a reused pid). */
function stillRunning(model: ProcessInfo): boolean {
  const now = readProcess(model.pid);
  return now !== undefined && now.state !== 'Z' && now.cmdline === model.cmdline;
}

async function waitUntilGone(processes: ProcessInfo[], timeoutMs: number): Promise<{ left: ProcessInfo[]; ms: number }> {
  const started = Date.now();
  for (;;) {
    const left = processes.filter(stillRunning);
    if (left.length === 0 || Date.now() - started > timeoutMs) return { left, ms: Date.now() - started };
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A Python model stuck inside C code that never lets go of the GIL (a regular expression that
 * backtracks for ages), so no Python thread of its process runs until the call ends.
 */
function writeGilHoldingModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gil-holding-model-'));
  modelDirs.push(dir);
  writeFileSync(
    join(dir, 'main.py'),
    [
      'import re',
      'from condorgame.tracker import TrackerBase',
      '',
      'class GilHoldingTracker(TrackerBase):',
      '    def tick(self, data):',
      '        pass',
      '',
      '    def predict(self, asset, horizon, step):',
      '        return re.match(r"(a+)+$", "a" * 64 + "b")',
      '',
    ].join('\n'),
  );
  return dir;
}

/** Starts the stand-in coordinator with the hanging models and resolves with their gRPC ports. */
async function startCoordinator(): Promise<{ coordinator: ChildProcess; ports: Record<string, number> }> {
  const config = writeModelsConfig([
    { id: 'js-hangs', code_path: modelDir('models-faulty/hangs'), language: 'javascript' },
    { id: 'py-hangs', code_path: modelDir('models-faulty/python-hangs'), language: 'python' },
    { id: 'py-holds-gil', code_path: writeGilHoldingModel(), language: 'python' },
  ]);
  const coordinator = spawn(process.execPath, ['-r', REGISTER, STAND_IN, config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  coordinator.stderr!.on('data', (data) => (errors += data));
  const ports = await new Promise<Record<string, number>>((resolvePorts, reject) => {
    coordinator.once('exit', (code) => reject(new Error(`stand-in exited with ${code}: ${errors}`)));
    createInterface({ input: coordinator.stdout! }).once('line', (line) => resolvePorts((JSON.parse(line) as { ports: Record<string, number> }).ports));
  });
  return { coordinator, ports };
}

/** Sets up each model and leaves one predict call hanging in it (the caller gives up after 1 s). */
async function hangModels(ports: Record<string, number>): Promise<void> {
  const clients = Object.values(ports).map((port) => new TestModelClient(port));
  try {
    for (const client of clients) expect((await client.setup()).status.code).toBe('SUCCESS');
    const calls = await Promise.allSettled(clients.map((client) => client.call('predict', PREDICT_ARGS, { deadlineMs: 1000 })));
    expect(calls.map((call) => call.status === 'rejected' && (call.reason as { code?: unknown }).code)).toEqual(
      clients.map(() => GrpcStatus.DEADLINE_EXCEEDED),
    );
  } finally {
    clients.forEach((client) => client.close());
  }
}

// Processes are found and checked through /proc, and the parent-death signal is Linux's.
const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux('model processes and the life of their coordinator', () => {
  let coordinator: ChildProcess | undefined;
  let models: ProcessInfo[] = [];

  afterEach(() => {
    const running = coordinator?.exitCode === null ? descendants(coordinator.pid!) : [];
    if (coordinator?.exitCode === null) coordinator.kill('SIGKILL');
    // Never leave a leaked model burning a core after a failed run.
    for (const model of [...models, ...running].filter(stillRunning)) process.kill(model.pid, 'SIGKILL');
    models = [];
  });

  afterAll(() => modelDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  async function coordinatorWithHangingModels(): Promise<ChildProcess> {
    const started = await startCoordinator();
    coordinator = started.coordinator;
    await hangModels(started.ports);
    models = descendants(coordinator.pid!);
    expect(models.map((model) => model.cmdline)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('runners/js/worker.js'),
        expect.stringContaining('models-faulty/python-hangs'),
        expect.stringContaining('gil-holding-model-'),
      ]),
    );
    return coordinator;
  }

  it('leaves no process of a hanging JS model or of hanging Python models (one holding the GIL) 3 s after the coordinator is killed with SIGKILL', async () => {
    const parent = await coordinatorWithHangingModels();
    parent.kill('SIGKILL');
    const { left, ms } = await waitUntilGone(models, 3000);
    expect(left).toEqual([]);
    // The figure: within 2 s of the coordinator's death.
    expect(ms).toBeLessThan(2000);
  });

  it('still stops hanging models with the coordinator on SIGTERM', async () => {
    const parent = await coordinatorWithHangingModels();
    const exited = new Promise<number | null>((resolveExit) => parent.once('exit', (code) => resolveExit(code)));
    parent.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(models.filter(stillRunning)).toEqual([]);
  });
});

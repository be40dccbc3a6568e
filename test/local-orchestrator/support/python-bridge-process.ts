import { ChildProcess, spawn } from 'child_process';
import { createInterface } from 'readline';
import { locateRunnerPaths } from '../../../src/local-orchestrator/runner-paths';

export interface BridgeAnswer {
  id?: number;
  ok: boolean;
  value?: { type: string; text: string } | null;
  error?: { code: string; message: string };
}

/**
 * deployment/runners/python/bridge.py started by hand, for tests of what the bridge itself decides
 * (sys.path order, class discovery, status codes) with any code and packages folders.
 *
 * @example
 *   const bridge = await PythonBridgeProcess.start(codeDir, packagesDir);
 *   await bridge.setup('fakegame.tracker.TrackerBase');
 */
export class PythonBridgeProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: BridgeAnswer) => void>();
  stderr = '';

  private constructor(private readonly child: ChildProcess) {
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const answer = JSON.parse(line) as BridgeAnswer & { event?: string };
      if (answer.id !== undefined) this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id as number);
    });
  }

  static async start(codeDir: string, packagesDir: string, env: NodeJS.ProcessEnv = {}): Promise<PythonBridgeProcess> {
    const child = spawn('python3', ['-u', locateRunnerPaths().pythonBridge, codeDir, packagesDir], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
    });
    const bridge = new PythonBridgeProcess(child);
    await new Promise<void>((ready, failed) => {
      createInterface({ input: child.stdout! }).once('line', () => ready());
      child.once('exit', (code) => failed(new Error(`bridge exited with ${code}: ${bridge.stderr}`)));
    });
    return bridge;
  }

  setup(className: string): Promise<BridgeAnswer> {
    return this.request({ op: 'setup', className, args: [], kwargs: {} });
  }

  call(method: string, args: { type: string; text: string }[] = []): Promise<BridgeAnswer> {
    return this.request({ op: 'call', method, args, kwargs: {} });
  }

  stop(): void {
    this.child.stdin!.end();
    this.child.kill();
  }

  private request(message: object): Promise<BridgeAnswer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin!.write(JSON.stringify({ id, ...message }) + '\n');
    });
  }
}

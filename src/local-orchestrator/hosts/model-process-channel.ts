import { ChildProcess, fork, spawn } from 'child_process';
import { createInterface } from 'readline';
import { Readable } from 'stream';
import { OrchestratorLogger } from '../orchestrator-logger';

/**
 * A started model process and the message stream to it, whatever carries the messages
 * (Node IPC for JavaScript workers, JSON lines on stdin/stdout for the Python bridge).
 *
 * @example
 *   const channel = launchPythonBridge({ ... });
 *   channel.onMessage((message) => ...); channel.send({ id: 1, op: 'rest' });
 */
export interface ModelProcessChannel {
  send(message: object): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process is gone (exit, signal, or failure to spawn). */
  onExit(listener: (description: string) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

export type ModelProcessLauncher = () => ModelProcessChannel;

const MAX_LOGGED_LINE = 1000;

/** Receives each line a model process writes outside the protocol (the orchestrator API's log tail). */
export type ModelOutputListener = (stream: 'stdout' | 'stderr', line: string) => void;

function forwardOutput(stream: Readable | null, logger: OrchestratorLogger, prefix: string, name: 'stdout' | 'stderr', listener?: ModelOutputListener): void {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => {
    logger.log(`${prefix} ${line.length > MAX_LOGGED_LINE ? line.slice(0, MAX_LOGGED_LINE) + '...' : line}`);
    listener?.(name, line);
  });
}

class ChildChannel implements ModelProcessChannel {
  private messageListener: (message: unknown) => void = () => {};
  private exitListener: (description: string) => void = () => {};
  private exited = false;

  constructor(
    protected readonly child: ChildProcess,
    private readonly command: string,
  ) {
    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' without a pid means the executable never started (ENOENT, EACCES).
      if (child.pid === undefined) this.exit(`cannot start ${command}: ${error.code ?? error.message}`);
    });
    child.once('exit', (code, signal) => this.exit(signal ? `killed by ${signal}` : `exited with code ${code}`));
  }

  send(message: object): void {
    throw new Error(`send not implemented for ${this.command} (${JSON.stringify(message).slice(0, 40)})`);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.messageListener = listener;
  }

  onExit(listener: (description: string) => void): void {
    this.exitListener = listener;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.exited && this.child.pid !== undefined) this.child.kill(signal);
  }

  protected deliver(message: unknown): void {
    this.messageListener(message);
  }

  private exit(description: string): void {
    if (this.exited) return;
    this.exited = true;
    this.exitListener(description);
  }
}

class IpcChannel extends ChildChannel {
  constructor(child: ChildProcess, command: string) {
    super(child, command);
    child.on('message', (message) => this.deliver(message));
  }

  override send(message: object): void {
    if (!this.child.connected) throw new Error('model process is not connected');
    this.child.send(message);
  }
}

class JsonLinesChannel extends ChildChannel {
  constructor(child: ChildProcess, command: string, logger: OrchestratorLogger, prefix: string, listener?: ModelOutputListener) {
    super(child, command);
    child.stdin?.on('error', () => {
      // EPIPE after the process died: the exit handler reports it.
    });
    if (child.stdout) {
      createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
        let message: unknown;
        try {
          message = JSON.parse(line);
        } catch {
          logger.warn(`${prefix} wrote a non-protocol line on stdout: ${line.slice(0, 200)}`);
          listener?.('stdout', line);
          return;
        }
        this.deliver(message);
      });
    }
  }

  override send(message: object): void {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed) throw new Error('model process stdin is closed');
    stdin.write(JSON.stringify(message) + '\n');
  }
}

export interface JsWorkerLaunch {
  modelId: string;
  workerPath: string;
  codeDir: string;
  packagesDir: string;
  language: 'javascript' | 'typescript';
  logger: OrchestratorLogger;
  onOutput?: ModelOutputListener;
}

/** Forks deployment/runners/js/worker.js for one JavaScript/TypeScript model. */
export function launchJsWorker(launch: JsWorkerLaunch): ModelProcessChannel {
  const child = fork(launch.workerPath, [launch.codeDir, launch.packagesDir, launch.language], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
    execArgv: [],
    env: { ...process.env, NODE_PATH: launch.packagesDir },
  });
  const prefix = `[model ${launch.modelId}]`;
  forwardOutput(child.stdout, launch.logger, prefix, 'stdout', launch.onOutput);
  forwardOutput(child.stderr, launch.logger, prefix, 'stderr', launch.onOutput);
  return new IpcChannel(child, `node ${launch.workerPath}`);
}

export interface PythonBridgeLaunch {
  modelId: string;
  pythonExecutable: string;
  bridgePath: string;
  codeDir: string;
  packagesDir: string;
  logger: OrchestratorLogger;
  onOutput?: ModelOutputListener;
}

/** Starts deployment/runners/python/bridge.py with the configured interpreter for one Python model. */
export function launchPythonBridge(launch: PythonBridgeLaunch): ModelProcessChannel {
  const child = spawn(launch.pythonExecutable, ['-u', launch.bridgePath, launch.codeDir, launch.packagesDir], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' },
  });
  const prefix = `[model ${launch.modelId}]`;
  forwardOutput(child.stderr, launch.logger, prefix, 'stderr', launch.onOutput);
  return new JsonLinesChannel(child, launch.pythonExecutable, launch.logger, prefix, launch.onOutput);
}

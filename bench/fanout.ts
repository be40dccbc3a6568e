/**
 * The model-runner client at scale: N trivial models served by the shared fan-out peer
 * (`../shared/bench/fanout_peer.py`: one grpcio server bound to N ports and a minimal orchestrator
 * WebSocket), the same server the Python model-runner-client is measured against. Measures, for
 * the ModelRunnerService alone (no predict module, no database):
 *
 * - join: time from start until every model of the init has passed Setup (and models given up);
 * - round: one `predict` call fanned out to all N models, p50/p99 over the measured rounds;
 * - client CPU per call: process.cpuUsage around the measured rounds / (rounds x N);
 * - heap per connected model: heapUsed after GC with N models joined and one round done, minus
 *   heapUsed after GC before the service started, / N (RSS likewise, for reference).
 *
 *   npm run build && node --expose-gc dist/bench/fanout.js [N,N,...=1000] [rounds=10] [points=1] [peers=1]
 *   FANOUT_PEER=/path/fanout_peer.py FANOUT_PYTHON=/usr/bin/python3  (defaults: ../shared/bench, /usr/bin/python3)
 *   MODEL_SETUP_CONCURRENCY=1024 node --expose-gc dist/bench/fanout.js 10000 5 1 2   # join with another Setup bound
 *   FANOUT_FLOOR=1 node --expose-gc dist/bench/fanout.js 1000   # also bare grpc-js and bare node:http2 on the same peer
 *   FANOUT_CPU_PROFILE=/tmp/prof node --expose-gc dist/bench/fanout.js 1000 20   # CPU profile of the measured rounds
 *   FANOUT_STORE=postgres node --expose-gc dist/bench/fanout.js 1000 10 60   # each round also stored (postgres | pglite)
 *
 * FANOUT_STORE runs each measured round as the predict loop does, through PredictionRoundService:
 * the call, the output checks that turn answers into predictions, and the store (claim,
 * insertPredictions, counts) into PostgreSQL (DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres, in a scratch database dropped afterwards) or an
 * embedded PGlite. The round figures then include the store, and its parts are printed apart: the
 * call, the writes (partly made while the calls are in flight), and the time from the end of the
 * call to the end of the round. (With PGlite the engine runs in this process: its heap counts in
 * "heap per model".) The CPU per call of the peer processes and of the PostgreSQL backends of the
 * bench's database is read from /proc around the measured rounds and printed beside the client's.
 *
 * `points` is the number of densities each model answers (1 as in the table, 60 for the
 * hourly reference payload). One peer process holds about 9,900 models (20,000 open files), so
 * `peers` > 1 starts several peers and merges their `init`s into one WebSocket here (model ids
 * prefixed by the peer's index), the one orchestrator the service connects to.
 * Needs Debian's python3-grpcio, python3-websockets and python3-grpc-tools; the peer's stubs are
 * generated from proto/ into a temporary folder on every run.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as http2 from 'node:http2';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import WebSocket, { WebSocketServer } from 'ws';
import { SystemClock } from '../src/clock/clock';
import { CompetitionRepository } from '../src/competition/competition.repository';
import { CompetitionSyncService } from '../src/competition/competition-sync.service';
import type { PredictionConfig } from '../src/competition/prediction-config';
import { PredictionConfigRepository } from '../src/competition/prediction-config.repository';
import { parseCompetitionDefinition } from '../src/config/competition/competition.loader';
import { CALL_PATH, EncodedCall } from '../src/model-runner/grpc/encoded-call';
import { PROTO_DIR } from '../src/model-runner/grpc/model-runner-protos';
import { ModelRunnerService } from '../src/model-runner/model-runner.service';
import { encodeCallArguments } from '../src/model-runner/variant/call-arguments';
import type { ModelCaller } from '../src/predict/predict.ports';
import { ModelRegistryRepository } from '../src/predict/registry/model-registry.repository';
import { PredictionRoundRepository } from '../src/predict/round/prediction-round.repository';
import { PredictionRoundService } from '../src/predict/round/prediction-round.service';
import { benchDatabase } from './bench-database';

const ROOT = resolve(__dirname, '..', '..');
const PYTHON = process.env.FANOUT_PYTHON ?? '/usr/bin/python3';
const PEER = process.env.FANOUT_PEER ?? resolve(ROOT, '..', 'shared', 'bench', 'fanout_peer.py');
const CRUNCH = 'bench';

interface Peer {
  child: ChildProcess;
  wsPort: number;
}

function generateStubs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-peer-stubs-'));
  const protos = ['commons.proto', 'dynamic_subclass.proto', 'health.proto'].map((file) => join(PROTO_DIR, file));
  execFileSync(PYTHON, ['-m', 'grpc_tools.protoc', `-I${PROTO_DIR}`, `--python_out=${dir}`, `--grpc_python_out=${dir}`, ...protos]);
  return dir;
}

function startPeer(stubs: string, models: number, points: number, wsPort: number): Promise<Peer> {
  const child = spawn(PYTHON, [PEER, '--models', String(models), '--ws-port', String(wsPort), '--crunch', CRUNCH, '--points', String(points)], {
    env: { ...process.env, PYTHONPATH: stubs },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ready, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) ready({ child, wsPort });
    });
    child.once('exit', (code) => fail(new Error(`fan-out peer exited with ${code}: ${out}`)));
  });
}

/** Reads each peer's init and serves their union, ids prefixed per peer, on one local WebSocket. */
async function mergedOrchestrator(peers: Peer[]): Promise<{ port: number; close: () => void }> {
  const sockets: WebSocket[] = []; // kept open until the end: a peer logs a closed membership socket as an error
  const inits = await Promise.all(
    peers.map(
      (peer, index) =>
        new Promise<unknown[]>((done, fail) => {
          const socket = new WebSocket(`ws://127.0.0.1:${peer.wsPort}/${CRUNCH}`, { maxPayload: 0 });
          sockets.push(socket);
          socket.once('message', (data) => {
            const init = JSON.parse(data.toString()) as { data: Array<Record<string, unknown>> };
            done(
              init.data.map((state) => ({
                ...state,
                model_id: `p${index}-${String(state.model_id)}`,
                deployment_id: `p${index}-${String(state.deployment_id)}`,
              })),
            );
          });
          socket.once('error', fail);
        }),
    ),
  );
  const message = JSON.stringify({ event: 'init', data: inits.flat() });
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => socket.send(message));
  await new Promise((listening) => server.once('listening', listening));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.close();
      sockets.forEach((socket) => socket.terminate());
    },
  };
}

/** CPU profile of the measured rounds only (FANOUT_CPU_PROFILE=dir), as `<dir>/fanout-<N>.cpuprofile`. */
class RoundProfiler {
  private constructor(private readonly session: Session) {}

  static async start(): Promise<RoundProfiler | null> {
    if (!process.env.FANOUT_CPU_PROFILE) return null;
    const profiler = new RoundProfiler(new Session());
    profiler.session.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    return profiler;
  }

  async stop(name: string): Promise<void> {
    const { profile } = (await this.post('Profiler.stop')) as { profile: unknown };
    this.session.disconnect();
    writeFileSync(join(process.env.FANOUT_CPU_PROFILE!, `${name}.cpuprofile`), JSON.stringify(profile));
  }

  private post(method: string): Promise<unknown> {
    return new Promise((done, fail) => this.session.post(method, (error, result) => (error ? fail(error) : done(result))));
  }
}

/** CPU per call of bare grpc-js clients sending the same pre-serialised request (no runner at all). */
async function grpcFloor(addresses: string[], request: Buffer, rounds: number): Promise<number> {
  const credentials = grpc.credentials.createInsecure();
  const clients = addresses.map((address) => new grpc.Client(address, credentials, { 'grpc.use_local_subchannel_pool': 1, 'grpc.enable_channelz': 0 }));
  const metadata = new grpc.Metadata();
  const same = (bytes: Buffer) => bytes;
  const one = (client: grpc.Client) =>
    new Promise<void>((done) => {
      client.makeUnaryRequest(CALL_PATH, same, same, request, metadata, { deadline: Date.now() + 60_000 }, () => done());
    });
  try {
    await Promise.all(clients.map(one)); // connects
    const cpu = process.cpuUsage();
    for (let i = 0; i < rounds; i++) await Promise.all(clients.map(one));
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / (rounds * clients.length);
  } finally {
    clients.forEach((client) => client.close());
  }
}

/** CPU per call of the same unary call written by hand on node:http2 sessions: the transport's own cost. */
async function http2Floor(addresses: string[], request: Buffer, rounds: number): Promise<number> {
  const sessions = addresses.map((address) => http2.connect(`http://${address}`));
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), request]);
  framed.writeUInt32BE(request.length, 1);
  const headers = { ':method': 'POST', ':path': CALL_PATH, 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '60S' };
  const one = (session: http2.ClientHttp2Session) =>
    new Promise<void>((done) => {
      const stream = session.request(headers);
      stream.on('data', () => undefined);
      stream.on('close', () => done());
      stream.end(framed);
    });
  try {
    await Promise.all(sessions.map(one));
    const cpu = process.cpuUsage();
    for (let i = 0; i < rounds; i++) await Promise.all(sessions.map(one));
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / (rounds * sessions.length);
  } finally {
    sessions.forEach((session) => session.close());
  }
}

/** One stored round's times: the whole round, the fan-out call, the database writes (claim, insert, counts), and what followed the call. */
interface StoredRoundTimes {
  roundMs: number;
  callMs: number;
  /** All the round's writes, those made while the calls were in flight included. */
  storeMs: number;
  /** From the end of the call to the end of the round: the checks and the writes left then. */
  afterCallMs: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 when it cannot be read. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

/**
 * FANOUT_STORE: rounds run by the predict loop's own PredictionRoundService on the runner, so the
 * answers become PredictionRecords through its checks and are stored as a real round is.
 */
class RoundStore {
  private callMs = 0;
  private storeMs = 0;
  private callEndedAt = 0;
  private slot = 0;
  private service?: PredictionRoundService;

  private constructor(
    readonly engine: 'postgres' | 'pglite',
    private readonly db: Awaited<ReturnType<typeof benchDatabase>>,
    private readonly config: PredictionConfig,
    private readonly competition: ReturnType<typeof parseCompetitionDefinition>,
    private readonly firstSlotMs: number,
  ) {}

  /** Opens the database and syncs the benchmark's competition (before the heap baseline is taken). */
  static async open(engine: string, points: number): Promise<RoundStore> {
    if (engine !== 'postgres' && engine !== 'pglite') throw new Error(`FANOUT_STORE must be postgres or pglite, not ${JSON.stringify(engine)}`);
    if (!Number.isInteger(points) || points < 1 || 3600 % points !== 0) throw new Error(`with FANOUT_STORE, points must divide 3600 (one density per step of the hour), not ${points}`);
    if (engine === 'postgres') process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
    const competition = parseCompetitionDefinition({
      id: CRUNCH,
      feed: { adapter: 'synthetic', subjects: ['BTC'] },
      model: { baseClass: 'condorgame.tracker.TrackerBase', callTimeoutMs: 60_000, maxPredictionBytes: 2_000_000, output: { kind: 'distributions' } },
      predictions: [{ asset: 'BTC', horizon: 3600, step: 3600 / points, interval: 720 }],
      scoring: { scorer: 'density-pdf' },
    });
    const db = await benchDatabase(engine);
    const configs = new PredictionConfigRepository(db.dataSource);
    await new CompetitionSyncService(db.dataSource, competition, new CompetitionRepository(), configs).synced();
    const [config] = await configs.active(competition.id);
    return new RoundStore(engine, db, config, competition, Math.floor(Date.now() / 720_000) * 720_000);
  }

  /** The round service over `runner`, with the call and the database writes timed. */
  attach(runner: ModelRunnerService): void {
    const timedCaller: ModelCaller = {
      membership$: runner.membership$,
      runningModels: () => runner.runningModels(),
      call: (method, args, opts) => this.timed('call', () => runner.call(method, args, opts)),
    };
    const rounds = new PredictionRoundRepository(this.db.dataSource);
    for (const name of ['claim', 'insertPredictions', 'complete'] as const) {
      const write = rounds[name].bind(rounds) as (...a: unknown[]) => Promise<never>;
      (rounds as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => this.timed('store', () => write(...a));
    }
    this.service = new PredictionRoundService(timedCaller, this.competition, rounds, new ModelRegistryRepository(this.db.dataSource), new SystemClock());
  }

  async round(models: number): Promise<StoredRoundTimes> {
    this.callMs = 0;
    this.storeMs = 0;
    const began = performance.now();
    const report = await this.service!.run(this.config, new Date(this.firstSlotMs + this.slot++ * 720_000));
    const ended = performance.now();
    const roundMs = ended - began;
    const afterCallMs = ended - this.callEndedAt;
    if (!report || report.counts.successCount !== models) throw new Error(`stored round: ${JSON.stringify(report?.counts)} (expected ${models} successes)`);
    const [{ n }]: Array<{ n: number }> = await this.db.dataSource.query(`SELECT count(*)::int AS n FROM predictions WHERE round_id = $1`, [report.roundId]);
    if (n !== models) throw new Error(`stored round: ${n}/${models} predictions in the database`);
    return { roundMs, callMs: this.callMs, storeMs: this.storeMs, afterCallMs };
  }

  /** The PostgreSQL backends serving this database (their CPU is read from /proc); none on PGlite. */
  async backendPids(): Promise<number[]> {
    if (this.engine !== 'postgres') return [];
    const rows: Array<{ pid: number }> = await this.db.dataSource.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
    return rows.map((r) => r.pid);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private async timed<T>(part: 'call' | 'store', work: () => Promise<T>): Promise<T> {
    const began = performance.now();
    try {
      return await work();
    } finally {
      const now = performance.now();
      if (part === 'call') {
        this.callMs += now - began;
        this.callEndedAt = now;
      } else this.storeMs += now - began;
    }
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function settledMemory(): { heap: number; rss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (heap per model needs a GC before each reading)');
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

async function benchSize(stubs: string, models: number, rounds: number, points: number, peerCount: number): Promise<void> {
  const perPeer = Math.ceil(models / peerCount);
  const peers = await Promise.all(
    Array.from({ length: peerCount }, (_, i) => startPeer(stubs, Math.min(perPeer, models - i * perPeer), points, 20_000 + (process.pid % 1000) * 10 + i)),
  );
  const orchestrator = peerCount > 1 ? await mergedOrchestrator(peers) : null;
  const store = process.env.FANOUT_STORE ? await RoundStore.open(process.env.FANOUT_STORE, points) : null;
  const before = settledMemory();
  const service = new ModelRunnerService({
    host: '127.0.0.1',
    port: orchestrator?.port ?? peers[0].wsPort,
    crunchId: CRUNCH,
    baseClassName: 'condorgame.tracker.TrackerBase',
    callTimeoutMs: 60_000,
    setupConcurrency: process.env.MODEL_SETUP_CONCURRENCY ? Number(process.env.MODEL_SETUP_CONCURRENCY) : undefined,
  });
  store?.attach(service);
  try {
    const joinStarted = performance.now();
    await service.start();
    const deadline = joinStarted + 300_000;
    // health() counts without building the identities of every model (runningModels() would, 50 times a second).
    while (service.health().runningModels < models && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const joinMs = performance.now() - joinStarted;
    const joined = service.health().runningModels;
    if (joined < models) throw new Error(`only ${joined}/${models} models joined within 300 s (${service.health().pendingModels} pending)`);

    const args = { positional: [{ type: 'STRING' as const, value: 'BTC' }, { type: 'INT' as const, value: 3600 }, { type: 'INT' as const, value: 60 }] };
    const stored: StoredRoundTimes[] = [];
    const round = async (): Promise<number> => {
      if (store) {
        const times = await store.round(models);
        stored.push(times);
        return times.roundMs;
      }
      const began = performance.now();
      const results = await service.call('predict', args);
      const elapsed = performance.now() - began;
      const ok = results.filter((r) => r.status === 'SUCCESS').length;
      if (ok !== models) throw new Error(`round: ${ok}/${models} successes; first error: ${results.find((r) => r.error)?.error}`);
      return elapsed;
    };
    await round(); // warm-up
    const after = settledMemory();
    stored.length = 0;

    const latencies: number[] = [];
    const backends = (await store?.backendPids()) ?? [];
    const othersCpu = () => ({ peers: peers.reduce((sum, peer) => sum + processCpuSeconds(peer.child.pid!), 0), backends: backends.reduce((sum, pid) => sum + processCpuSeconds(pid), 0) });
    const profiler = await RoundProfiler.start();
    const othersBefore = othersCpu();
    const cpu = process.cpuUsage();
    for (let i = 0; i < rounds; i++) latencies.push(await round());
    const used = process.cpuUsage(cpu);
    const othersAfter = othersCpu();
    await profiler?.stop(`fanout-${models}`);
    latencies.sort((a, b) => a - b);
    const cpuPerCallUs = (used.user + used.system) / (rounds * models);
    console.log(
      `N=${String(models).padStart(5)} points=${points} | join ${(joinMs / 1000).toFixed(1)} s | round p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(0)} ms | client CPU per call ${cpuPerCallUs.toFixed(0)} us | ` +
        `heap per model ${((after.heap - before.heap) / models / 1024).toFixed(1)} KB, RSS per model ${((after.rss - before.rss) / models / 1024).toFixed(1)} KB | ${rounds} rounds`,
    );
    const perCallUs = (seconds: number) => ((seconds * 1e6) / (rounds * models)).toFixed(0);
    console.log(
      `        CPU per call of the others: peers ${perCallUs(othersAfter.peers - othersBefore.peers)} us (${peerCount} process(es))` +
        (store?.engine === 'postgres' ? `, PostgreSQL backends ${perCallUs(othersAfter.backends - othersBefore.backends)} us (${backends.length} backend(s))` : ''),
    );
    if (store) {
      const p50 = (pick: (t: StoredRoundTimes) => number) => percentile(stored.map(pick).sort((a, b) => a - b), 50).toFixed(0);
      console.log(
        `        stored into ${store.engine}: round p50 ${p50((t) => t.roundMs)} ms (the round above, store included); its parts: call p50 ${p50((t) => t.callMs)} ms, ` +
          `writes p50 ${p50((t) => t.storeMs)} ms (claim, insertPredictions, counts, summed: some overlap each other and the calls), after the call p50 ${p50((t) => t.afterCallMs)} ms (checks and the writes left); client CPU per call includes them`,
      );
    }
    if (process.env.FANOUT_FLOOR) {
      const addresses = service.runningModels().map((model) => `${model.ip}:${model.port}`);
      await service.stop();
      const request = EncodedCall.of('predict', encodeCallArguments(args)).bytes;
      console.log(`        floor on the same peer: grpc-js alone ${(await grpcFloor(addresses, request, rounds)).toFixed(0)} us per call, node:http2 alone ${(await http2Floor(addresses, request, rounds)).toFixed(0)} us per call`);
    }
  } finally {
    await service.stop();
    orchestrator?.close();
    for (const peer of peers) peer.child.kill('SIGINT');
    await Promise.all(peers.map((peer) => new Promise((exited) => (peer.child.exitCode !== null ? exited(null) : peer.child.once('exit', exited)))));
    await store?.close(); // after the peers: they log a membership socket closed while they run as an error
  }
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  if (!existsSync(PEER)) throw new Error(`fan-out peer not found at ${PEER} (set FANOUT_PEER)`);
  const sizes = (process.argv[2] ?? '1000').split(',').map(Number);
  const rounds = Number(process.argv[3] ?? 10);
  const points = Number(process.argv[4] ?? 1);
  const peers = Number(process.argv[5] ?? 1);
  const stubs = generateStubs();
  try {
    for (const size of sizes) await benchSize(stubs, size, rounds, points, peers);
  } finally {
    rmSync(stubs, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

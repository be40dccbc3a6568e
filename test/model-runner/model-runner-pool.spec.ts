import type { FailureReport } from '../../src/model-runner/protocol/failure-report';
import type { ModelState } from '../../src/model-runner/protocol/model-state';
import type { MembershipMessage } from '../../src/model-runner/membership/orchestrator-membership.client';
import { ModelUnusableError } from '../../src/model-runner/model-runner.errors';
import { PoolEvent, PooledRunner, ModelRunnerPool } from '../../src/model-runner/model-runner-pool';

/** A runner whose Setup the test finishes by hand. */
class FakeRunner implements PooledRunner {
  closed = false;
  infoUpdates = 0;
  resolveStart!: () => void;
  rejectStart!: (error: unknown) => void;
  private readonly started = new Promise<void>((resolve, reject) => {
    this.resolveStart = resolve;
    this.rejectStart = reject;
  });
  constructor(public model: ModelState, readonly giveUp: (failure: ModelUnusableError) => void) {}
  start() {
    return this.started;
  }
  updateInfos(model: ModelState) {
    this.infoUpdates += 1;
    this.model = { ...this.model, infos: model.infos };
  }
  close() {
    this.closed = true;
  }
}

const model = (id: string, overrides: Partial<ModelState> = {}): ModelState => ({
  model_id: id,
  deployment_id: `${id}_20260101_000000_000`,
  state: 'RUNNING',
  ip: '10.0.0.1',
  port: 50051,
  infos: { model_name: `${id}-name`, cruncher_id: 'c1', cruncher_name: 'alice', cruncher_wallet_pubkey: null, cruncher_hotkey: null },
  ...overrides,
});
const init = (...models: ModelState[]): MembershipMessage => ({ event: 'init', models, unreadableModelIds: [] });
const update = (...models: ModelState[]): MembershipMessage => ({ event: 'update', models, unreadableModelIds: [] });
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const runners: FakeRunner[] = [];
  const reports: FailureReport[] = [];
  const events: PoolEvent[] = [];
  const pool = new ModelRunnerPool<FakeRunner>(
    (m, giveUp) => {
      const runner = new FakeRunner(m, giveUp);
      runners.push(runner);
      return runner;
    },
    (report) => reports.push(report),
  );
  pool.events$.subscribe((event) => events.push(event));
  const last = () => runners[runners.length - 1];
  const runningIds = () => pool.running().map((r) => r.model.deployment_id).sort();
  return { pool, runners, reports, events, last, runningIds };
}

async function started(s: ReturnType<typeof setup>, message: MembershipMessage) {
  s.pool.apply(message);
  for (const runner of s.runners) runner.resolveStart();
  await settle();
}

describe('ModelRunnerPool: the client state machine (spec section 3)', () => {
  it('keeps a RUNNING model pending until Setup succeeds, then promotes it and emits joined', async () => {
    const s = setup();
    s.pool.apply(update(model('m1')));
    expect(s.pool.pendingCount).toBe(1);
    expect(s.pool.running()).toHaveLength(0);
    s.last().resolveStart();
    await settle();
    expect(s.pool.pendingCount).toBe(0);
    expect(s.runningIds()).toEqual(['m1_20260101_000000_000']);
    expect(s.events.map((e) => [e.type, e.model.model_id])).toEqual([['joined', 'm1']]);
  });

  it('reports the failure code of a failed Setup and never promotes the runner', async () => {
    const s = setup();
    s.pool.apply(update(model('m1', { ip: '10.0.0.9' })));
    s.last().rejectStart(new ModelUnusableError('m1', 'BAD_IMPLEMENTATION', 'no subclass of TrackerBase'));
    await settle();
    expect(s.pool.pendingCount).toBe(0);
    expect(s.pool.running()).toHaveLength(0);
    expect(s.reports).toEqual([{ modelId: 'm1', failureCode: 'BAD_IMPLEMENTATION', reason: 'no subclass of TrackerBase', ip: '10.0.0.9' }]);
    expect(s.last().closed).toBe(true);
    expect(s.events).toEqual([]);
  });

  it('does not report a model when the coordinator is at fault (misuse)', async () => {
    const s = setup();
    s.pool.apply(update(model('m1')));
    s.last().rejectStart(new ModelUnusableError('m1', null, 'coordinator misuse: INVALID_ARGUMENT'));
    await settle();
    expect(s.reports).toEqual([]);
    expect(s.pool.pendingCount).toBe(0);
  });

  it('only updates infos for RUNNING at the same deployment, ip and port, and emits updated', async () => {
    const s = setup();
    await started(s, update(model('m1')));
    const renamed = model('m1', { infos: { ...model('m1').infos, model_name: 'renamed' } });
    s.pool.apply(update(renamed));
    expect(s.runners).toHaveLength(1);
    expect(s.runners[0].closed).toBe(false);
    expect(s.runners[0].model.infos.model_name).toBe('renamed');
    expect(s.events.map((e) => e.type)).toEqual(['joined', 'updated']);
    s.pool.apply(update(renamed)); // same infos again: no event
    expect(s.events.map((e) => e.type)).toEqual(['joined', 'updated']);
  });

  it('accepts an info update while the runner is still pending, without emitting anything', async () => {
    const s = setup();
    s.pool.apply(update(model('m1')));
    s.pool.apply(update(model('m1', { infos: { ...model('m1').infos, model_name: 'late' } })));
    expect(s.runners).toHaveLength(1);
    s.last().resolveStart();
    await settle();
    expect(s.events).toEqual([{ type: 'joined', model: expect.objectContaining({ infos: expect.objectContaining({ model_name: 'late' }) }) }]);
  });

  it('replaces the runner when the same deployment moves to another ip or port', async () => {
    const s = setup();
    await started(s, update(model('m1')));
    s.pool.apply(update(model('m1', { port: 50052 })));
    expect(s.runners[0].closed).toBe(true);
    expect(s.runners).toHaveLength(2);
    expect(s.pool.running()).toHaveLength(0);
    expect(s.pool.pendingCount).toBe(1);
    s.runners[1].resolveStart();
    await settle();
    expect(s.pool.running()[0].model.port).toBe(50052);
    expect(s.events.map((e) => e.type)).toEqual(['joined', 'left', 'joined']);
  });

  it('treats a runner of another deployment as absent: a new deployment replaces it', async () => {
    const s = setup();
    await started(s, update(model('m1')));
    const next = model('m1', { deployment_id: 'm1_20260102_000000_000' });
    s.pool.apply(update(next));
    expect(s.runners[0].closed).toBe(true);
    s.runners[1].resolveStart();
    await settle();
    expect(s.runningIds()).toEqual(['m1_20260102_000000_000']);
  });

  it('ignores a stale STOPPED for the old deployment after a replacement', async () => {
    const s = setup();
    await started(s, update(model('m1')));
    const next = model('m1', { deployment_id: 'm1_20260102_000000_000' });
    await started(s, update(next));
    s.pool.apply(update(model('m1', { state: 'STOPPED' }))); // old deployment id
    expect(s.runningIds()).toEqual(['m1_20260102_000000_000']);
    expect(s.runners[1].closed).toBe(false);
  });

  it.each(['STOPPED', 'RECOVERING'] as const)('closes and removes the matching runner on %s', async (state) => {
    const s = setup();
    await started(s, update(model('m1'), model('m2')));
    s.pool.apply(update(model('m1', { state })));
    expect(s.runners[0].closed).toBe(true);
    expect(s.pool.running().map((r) => r.model.model_id)).toEqual(['m2']);
    expect(s.events.at(-1)).toEqual({ type: 'left', model: expect.objectContaining({ model_id: 'm1' }), reason: `orchestrator says ${state}` });
  });

  it('removes a pending runner on STOPPED and never promotes it afterwards', async () => {
    const s = setup();
    s.pool.apply(update(model('m1')));
    s.pool.apply(update(model('m1', { state: 'STOPPED' })));
    expect(s.pool.pendingCount).toBe(0);
    s.last().resolveStart();
    await settle();
    expect(s.pool.running()).toHaveLength(0);
    expect(s.events).toEqual([]);
  });

  it('ignores STOPPED for a model it does not know', () => {
    const s = setup();
    s.pool.apply(update(model('ghost', { state: 'STOPPED' })));
    expect(s.runners).toHaveLength(0);
  });

  it('on init, removes runners of models absent from data and keeps the others untouched', async () => {
    const s = setup();
    await started(s, init(model('m1'), model('m2')));
    s.pool.apply(init(model('m2'), model('m3')));
    expect(s.runners[0].closed).toBe(true); // m1 absent
    expect(s.runners[1].closed).toBe(false); // m2 unchanged
    expect(s.runners).toHaveLength(3); // m3 new
    s.runners[2].resolveStart();
    await settle();
    expect(s.pool.running().map((r) => r.model.model_id).sort()).toEqual(['m2', 'm3']);
  });

  it('on init, also removes pending runners absent from data', () => {
    const s = setup();
    s.pool.apply(update(model('m1')));
    s.pool.apply(init());
    expect(s.pool.pendingCount).toBe(0);
    expect(s.runners[0].closed).toBe(true);
  });

  it('on init, keeps a runner whose entry was unreadable rather than dropping a live model', async () => {
    const s = setup();
    await started(s, init(model('m1')));
    s.pool.apply({ event: 'init', models: [], unreadableModelIds: ['m1'] });
    expect(s.runners[0].closed).toBe(false);
  });

  it.each([
    ['old first', ['m1_20260101_000000_000', 'm1_20260101_000500_000']],
    ['new first', ['m1_20260101_000500_000', 'm1_20260101_000000_000']],
  ])('on an init holding two deployments of one model (%s), runs only the newest', async (_order, ids) => {
    const s = setup();
    await started(s, init(...ids.map((deployment_id) => model('m1', { deployment_id }))));
    expect(s.runners).toHaveLength(1);
    expect(s.runningIds()).toEqual(['m1_20260101_000500_000']);
  });

  it('reports and drops a runner that gives up, emitting left with the reason', async () => {
    const s = setup();
    await started(s, update(model('m1')));
    s.runners[0].giveUp(new ModelUnusableError('m1', 'MULTIPLE_TIMEOUT', '21 consecutive timeouts'));
    expect(s.reports).toEqual([{ modelId: 'm1', failureCode: 'MULTIPLE_TIMEOUT', reason: '21 consecutive timeouts', ip: '10.0.0.1' }]);
    expect(s.pool.running()).toHaveLength(0);
    expect(s.runners[0].closed).toBe(true);
    expect(s.events.at(-1)?.type).toBe('left');
  });

  it('ignores a give-up from a runner that was already replaced', async () => {
    const s = setup();
    await started(s, update(model('m1')));
    await started(s, update(model('m1', { deployment_id: 'm1_20260102_000000_000' })));
    s.runners[0].giveUp(new ModelUnusableError('m1', 'MULTIPLE_FAILED', 'late'));
    expect(s.reports).toEqual([]);
    expect(s.runningIds()).toEqual(['m1_20260102_000000_000']);
  });

  it('reportAndDrop sends LOW_PERFORMANCE with the model ip and drops the runner', async () => {
    const s = setup();
    await started(s, update(model('m1', { ip: 'model-1.local' })));
    expect(s.pool.reportAndDrop('m1', 'LOW_PERFORMANCE', 'bottom 5% for 7 days')).toBe(true);
    expect(s.reports).toEqual([{ modelId: 'm1', failureCode: 'LOW_PERFORMANCE', reason: 'bottom 5% for 7 days', ip: 'model-1.local' }]);
    expect(s.pool.running()).toHaveLength(0);
  });

  it('closeAll closes every runner and completes the event stream', async () => {
    const s = setup();
    await started(s, update(model('m1')));
    s.pool.apply(update(model('m2')));
    let completed = false;
    s.pool.events$.subscribe({ complete: () => (completed = true) });
    await s.pool.closeAll();
    expect(s.runners.every((r) => r.closed)).toBe(true);
    expect(completed).toBe(true);
  });
});

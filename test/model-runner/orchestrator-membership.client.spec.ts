import { firstValueFrom, take, toArray } from 'rxjs';
import { MembershipMessage, OrchestratorMembershipClient } from '../../src/model-runner/membership/orchestrator-membership.client';
import { parseModelState } from '../../src/model-runner/protocol/model-state';
import { modelStateJson, TestOrchestrator } from './test-orchestrator';
import { waitFor } from './test-model-server';

describe('parseModelState', () => {
  it('accepts a port sent as a string, a hostname as ip, and null/empty hotkeys', () => {
    const parsed = parseModelState({ ...modelStateJson('m1', 50051), ip: 'model-1.svc', infos: { model_name: 'a', cruncher_hotkey: null } });
    expect(parsed).toEqual({ ok: true, state: expect.objectContaining({ ip: 'model-1.svc', port: 50051 }) });
    if (parsed.ok) expect(parsed.state.infos).toMatchObject({ model_name: 'a', cruncher_hotkey: null, cruncher_wallet_pubkey: null });
  });

  it.each([
    [{ ...modelStateJson('m1', 1), state: 'PAUSED' }, /model m1: unknown state "PAUSED"/],
    [{ ...modelStateJson('m1', 1), port: 'http' }, /port "http" is not a TCP port/],
    [{ ...modelStateJson('m1', 1), port: 70000 }, /not a TCP port/],
    [{ ...modelStateJson('m1', 1), deployment_id: 7 }, /deployment_id/],
    [{ ...modelStateJson('m1', 1), infos: [] }, /infos must be an object/],
    [{ ...modelStateJson('m1', 1), infos: { model_name: { x: 1 } } }, /infos.model_name must be a string/],
    [{ ...modelStateJson('m1', 1), model_id: '' }, /model_id/],
    ['hello', /expected an object, got string/],
  ])('rejects malformed entry #%# with context', (raw, reason) => {
    const parsed = parseModelState(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('accepts a STOPPED entry without an address', () => {
    expect(parseModelState({ model_id: 'm1', deployment_id: 'm1_x', state: 'STOPPED', ip: '', port: null }).ok).toBe(true);
  });
});

describe('OrchestratorMembershipClient (spec section 3)', () => {
  let orchestrator: TestOrchestrator;
  let client: OrchestratorMembershipClient;

  beforeEach(async () => {
    orchestrator = await TestOrchestrator.start();
  });
  afterEach(async () => {
    await client?.stop();
    await orchestrator.close();
  });

  const connect = (reconnectInitialMs = 20) => {
    client = new OrchestratorMembershipClient({ url: `ws://127.0.0.1:${orchestrator.port}/test-crunch`, reconnectInitialMs });
    const messages: MembershipMessage[] = [];
    client.messages$.subscribe((m) => messages.push(m));
    client.start();
    return messages;
  };

  it('receives the init right after connecting', async () => {
    orchestrator.models = [modelStateJson('m1', 50051)];
    const messages = connect();
    await waitFor(() => messages.length === 1);
    expect(messages[0]).toEqual({ event: 'init', models: [expect.objectContaining({ model_id: 'm1', port: 50051 })], unreadableModelIds: [] });
    expect(client.connected).toBe(true);
    expect(client.lastMessageAt).toBeInstanceOf(Date);
  });

  it('survives malformed messages: logs, counts, and keeps going', async () => {
    const messages = connect();
    await waitFor(() => messages.length === 1);
    orchestrator.sendRaw('not json');
    orchestrator.sendRaw('[1,2]');
    orchestrator.sendRaw(JSON.stringify({ event: 'party', data: [] }));
    orchestrator.sendRaw(JSON.stringify({ event: 'update', data: 'nope' }));
    orchestrator.send('update', [modelStateJson('m2', 50052, { state: 'EXPLODED' }), 42, modelStateJson('m3', 50053)]);
    await waitFor(() => messages.length === 2);
    expect(client.stats.malformedMessages).toBe(4);
    expect(client.stats.rejectedEntries).toBe(2);
    expect(messages[1].models.map((m) => m.model_id)).toEqual(['m3']);
    expect(messages[1].unreadableModelIds).toEqual(['m2']);
    expect(client.connected).toBe(true);
  });

  it('sends report_failure in the orchestrator format', async () => {
    const messages = connect();
    await waitFor(() => messages.length === 1);
    client.reportFailure({ modelId: 'm1', failureCode: 'MULTIPLE_TIMEOUT', reason: 'too slow', ip: '10.1.2.3' });
    await waitFor(() => orchestrator.received.length === 1);
    expect(orchestrator.received[0]).toEqual({
      event: 'report_failure',
      data: [{ model_id: 'm1', failure_code: 'MULTIPLE_TIMEOUT', failure_reason: 'too slow', ip: '10.1.2.3' }],
    });
  });

  it('reconnects after the connection drops, queues reports meanwhile and flushes them, and gets a fresh init', async () => {
    orchestrator.models = [modelStateJson('m1', 50051)];
    const messages = connect(100);
    await waitFor(() => messages.length === 1);
    orchestrator.dropConnections();
    await waitFor(() => !client.connected);
    client.reportFailure({ modelId: 'm1', failureCode: 'CONNECTION_FAILED', reason: 'unreachable', ip: '127.0.0.1' });
    orchestrator.stopOnReport = false;
    orchestrator.models = [modelStateJson('m2', 50052)];
    await waitFor(() => messages.length === 2, 3000, 'the second init');
    expect(orchestrator.connectCount).toBe(2);
    expect(messages[1]).toMatchObject({ event: 'init', models: [expect.objectContaining({ model_id: 'm2' })] });
    await waitFor(() => orchestrator.reports().length === 1);
    expect(orchestrator.reports()[0]).toMatchObject({ model_id: 'm1', failure_code: 'CONNECTION_FAILED' });
  });

  it('keeps retrying with backoff while the orchestrator is down', async () => {
    const port = orchestrator.port;
    await orchestrator.close();
    client = new OrchestratorMembershipClient({ url: `ws://127.0.0.1:${port}/test-crunch`, reconnectInitialMs: 20, reconnectMaxMs: 40 });
    const received = firstValueFrom(client.messages$.pipe(take(1), toArray()));
    client.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    orchestrator = await TestOrchestrator.start(port);
    orchestrator.models = [modelStateJson('m9', 50059)];
    const [init] = await received;
    expect(init.models[0].model_id).toBe('m9');
  });
});

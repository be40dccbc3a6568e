import { status as GrpcStatus } from '@grpc/grpc-js';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { MembershipTestClient } from './support/membership-test-client';
import { modelDir, writeModelsConfig } from './support/models-config-fixture';
import { variant } from './support/model-runner-test-client';
import { OrchestratorFixture } from './support/orchestrator-fixture';

const PREDICT_ARGS = [variant.string('BTC'), variant.int(60), variant.int(60)];

describe('model hosts that hang or crash', () => {
  const fixture = new OrchestratorFixture();
  let membership: MembershipTestClient;

  beforeAll(async () => {
    await fixture.start(
      [
        { id: 'hangs', code_path: modelDir('models-faulty/hangs'), language: 'javascript' },
        { id: 'crashes', code_path: modelDir('models-faulty/crashes'), language: 'javascript' },
        { id: 'py-crash', code_path: modelDir('models-faulty/python-odd-values'), language: 'python' },
      ],
      { maxRestarts: 2 },
    );
    membership = await MembershipTestClient.connect(`ws://127.0.0.1:${fixture.wsPort}/condorgame`);
    await membership.waitFor((m) => m.event === 'init');
  });

  afterAll(async () => {
    membership.close();
    await fixture.stop();
  });

  it('turns a hung JS model into a deadline for the caller and restarts it under a new deployment id', async () => {
    const before = fixture.deploymentId('hangs')!;
    const client = fixture.client('hangs');
    await client.setup();
    await expect(client.call('predict', PREDICT_ARGS, { deadlineMs: 300 })).rejects.toMatchObject({ code: GrpcStatus.DEADLINE_EXCEEDED });
    // While the model is still stuck, the server stays busy with it.
    await expect(client.call('predict', PREDICT_ARGS, { deadlineMs: 1000 })).rejects.toMatchObject({ code: GrpcStatus.RESOURCE_EXHAUSTED });
    const running = await membership.waitFor((m) => m.event === 'update' && m.data.some((s) => s.model_id === 'hangs' && s.state === 'RUNNING'));
    expect(running.data[0].deployment_id).not.toBe(before);
    await membership.waitFor((m) => m.event === 'update' && m.data.some((s) => s.deployment_id === before && s.state === 'STOPPED'));
    expect(await fixture.client('hangs').check()).toBe('SERVING');
  });

  it('answers a crash with MODEL_FAILED, announces the lost deployment RECOVERING, the new one RUNNING, then the old one STOPPED', async () => {
    const before = fixture.deploymentId('crashes')!;
    const from = membership.messages.length;
    const client = fixture.client('crashes');
    await client.setup();
    const result = await client.call('predict', PREDICT_ARGS);
    expect(result.status).toEqual({ code: 'MODEL_FAILED', message: expect.stringMatching(/exited with code 3/) });
    await membership.waitFor((m) => m.event === 'update' && m.data.some((s) => s.deployment_id === before && s.state === 'STOPPED'), 10_000, from);
    const sequence = membership.messages.slice(from).flatMap((m) => m.data).filter((s) => s.model_id === 'crashes');
    expect(sequence.map((s) => [s.state, s.deployment_id === before])).toEqual([
      ['RECOVERING', true],
      ['RUNNING', false],
      ['STOPPED', true],
    ]);
  });

  it('stops a model that keeps crashing after maxRestarts restarts', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const deployment = fixture.deploymentId('py-crash');
      expect(deployment).toBeDefined();
      const client = fixture.client('py-crash');
      await client.setup();
      expect((await client.call('crash')).status.code).toBe('MODEL_FAILED');
      await fixture.until(() => fixture.deploymentId('py-crash') !== deployment);
    }
    const status = fixture.orchestrator.statuses().find((s) => s.modelId === 'py-crash')!;
    expect(status.state).toBe('STOPPED');
    expect(status.haltedReason).toMatch(/crashed 3 times/);
  });
});

describe('TypeScript models', () => {
  const fixture = new OrchestratorFixture();

  afterAll(() => fixture.stop());

  it('compiles a .ts submission with @swc/core in its worker process and serves it', async () => {
    const codeDir = join(mkdtempSync(join(tmpdir(), 'ts-model-')), 'constant');
    mkdirSync(codeDir);
    writeFileSync(
      join(codeDir, 'model.ts'),
      [
        "const { TrackerBase } = require('condorgame/tracker');",
        'interface Density { type: string; name: string; params: Record<string, number> }',
        'export class TypedTracker extends TrackerBase {',
        '  predict(asset: string, horizon: number, step: number): Density[] {',
        "    return Array.from({ length: horizon / step }, (): Density => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.002 } }));",
        '  }',
        '}',
      ].join('\n'),
    );
    await fixture.start([{ id: 'ts', code_path: codeDir, language: 'typescript' }]);
    const client = fixture.client('ts');
    expect((await client.setup()).status.code).toBe('SUCCESS');
    const result = await client.call('predict', [variant.string('BTC'), variant.int(300), variant.int(60)]);
    expect(result.status.code).toBe('SUCCESS');
    expect(result.methodResponse?.value.toString()).toContain('"scale": 0.002');
  });
});

describe('models config followed at run time', () => {
  const fixture = new OrchestratorFixture();
  let membership: MembershipTestClient;
  let codeDir: string;

  beforeAll(async () => {
    codeDir = join(mkdtempSync(join(tmpdir(), 'model-code-')), 'ewma');
    cpSync(modelDir('models/gaussian-ewma'), codeDir, { recursive: true });
    await fixture.start([{ id: 'a', code_path: codeDir, language: 'javascript', isolation: 'inline' }], { rescanIntervalMs: 0 });
    membership = await MembershipTestClient.connect(`ws://127.0.0.1:${fixture.wsPort}/condorgame`);
    await membership.waitFor((m) => m.event === 'init');
  });

  afterAll(async () => {
    membership.close();
    await fixture.stop();
  });

  it('announces a model added to the file (picked up by fs.watch, no manual rescan)', async () => {
    writeModelsConfig(
      [
        { id: 'a', code_path: codeDir, language: 'javascript', isolation: 'inline' },
        { id: 'b', code_path: modelDir('models/student-t'), language: 'javascript', isolation: 'inline' },
      ],
      fixture.configPath,
    );
    const added = await membership.waitFor((m) => m.event === 'update' && m.data.some((s) => s.model_id === 'b'));
    expect(added.data[0]).toMatchObject({ model_id: 'b', state: 'RUNNING', deployment_id: expect.stringMatching(/^b_\d{8}_\d{6}_\d{3}$/) });
    expect((await fixture.client('b').setup()).status.code).toBe('SUCCESS');
  });

  it('re-announces RUNNING with the same deployment when only names change', async () => {
    const deployment = fixture.deploymentId('a');
    const from = membership.messages.length;
    writeModelsConfig(
      [
        { id: 'a', code_path: codeDir, language: 'javascript', isolation: 'inline', cruncher_name: 'renamed' },
        { id: 'b', code_path: modelDir('models/student-t'), language: 'javascript', isolation: 'inline' },
      ],
      fixture.configPath,
    );
    await fixture.orchestrator.rescan();
    const update = await membership.waitFor((m) => m.event === 'update', 5000, from);
    expect(update.data[0]).toMatchObject({ model_id: 'a', deployment_id: deployment, state: 'RUNNING', infos: { cruncher_name: 'renamed' } });
  });

  it('replaces a model whose code changed: new deployment RUNNING, then the old one STOPPED', async () => {
    const before = fixture.deploymentId('a')!;
    const from = membership.messages.length;
    writeFileSync(join(codeDir, 'index.js'), `${require('fs').readFileSync(join(codeDir, 'index.js'), 'utf8')}\n// edited\n`);
    await fixture.orchestrator.rescan();
    await membership.waitFor((m) => m.event === 'update' && m.data.some((s) => s.deployment_id === before && s.state === 'STOPPED'), 5000, from);
    const sequence = membership.messages.slice(from).flatMap((m) => m.data).filter((s) => s.model_id === 'a');
    expect(sequence.map((s) => [s.state, s.deployment_id === before])).toEqual([
      ['RUNNING', false],
      ['STOPPED', true],
    ]);
    expect(fixture.deploymentId('a')).toBe(sequence[0].deployment_id);
  });

  it('stops a model set to STOPPED and skips an invalid entry while the rest keep running', async () => {
    const from = membership.messages.length;
    const deploymentB = fixture.deploymentId('b');
    writeModelsConfig(
      [
        { id: 'a', code_path: codeDir, language: 'javascript', isolation: 'inline', cruncher_name: 'renamed' },
        { id: 'b', code_path: modelDir('models/student-t'), language: 'javascript', isolation: 'inline', desired_state: 'STOPPED' },
        { id: 'c', code_path: '/does/not/exist', language: 'javascript' },
        { id: 'd', code_path: codeDir, language: 'cobol' as 'javascript' },
      ],
      fixture.configPath,
    );
    await fixture.orchestrator.rescan();
    const stopped = await membership.waitFor((m) => m.event === 'update' && m.data.some((s) => s.state === 'STOPPED'), 5000, from);
    expect(stopped.data[0]).toMatchObject({ model_id: 'b', deployment_id: deploymentB, state: 'STOPPED' });
    expect(fixture.orchestrator.runningStates().map((s) => s.model_id)).toEqual(['a']);
  });

  it('keeps the running models when the file stops parsing', async () => {
    writeFileSync(fixture.configPath, 'models: [ {id: broken');
    await fixture.orchestrator.rescan();
    expect(fixture.orchestrator.runningStates().map((s) => s.model_id)).toEqual(['a']);
  });
});

import { orchestratorCheck } from '../../src/model-orchestration/orchestrator-check';

const runner = { status: 'up' as const, connected: true, runningModels: 2, pendingModels: 0, lastMessageAt: null };

describe('the orchestrator health check', () => {
  it('is the runner health when every configured model runs', () => {
    expect(orchestratorCheck(runner, [])).toEqual(runner);
  });

  it('is degraded when a configured model is not running, naming it with its reason', () => {
    const notRunning = [{ modelId: '3', entry: null, reason: 'cannot start python9: ENOENT' }];
    expect(orchestratorCheck(runner, notRunning)).toEqual({ ...runner, status: 'degraded', notRunningModels: notRunning });
  });

  it('stays down when the runner is down', () => {
    expect(orchestratorCheck({ ...runner, status: 'down' }, [{ modelId: null, entry: 'models[0]', reason: 'id is required' }]).status).toBe('down');
  });
});

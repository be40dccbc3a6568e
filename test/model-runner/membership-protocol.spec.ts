import { parseFailureReport, reportFailureMessage } from '../../src/model-runner/protocol/failure-report';
import { parseModelState } from '../../src/model-runner/protocol/model-state';

describe('membership protocol shared by the coordinator and the local orchestrator', () => {
  it('reads back the report_failure entry the coordinator writes', () => {
    const report = { modelId: 'm1', failureCode: 'MULTIPLE_TIMEOUT' as const, reason: '20 timeouts', ip: '10.0.0.5' };
    const message = JSON.parse(reportFailureMessage(report)) as { event: string; data: unknown[] };
    expect(message.event).toBe('report_failure');
    expect(message.data.map(parseFailureReport)).toEqual([report]);
  });

  it('records an unknown failure code as UNKNOWN and refuses an entry without model_id', () => {
    expect(parseFailureReport({ model_id: 42, failure_code: 'TOO_SLOW' })).toEqual({ modelId: '42', failureCode: 'UNKNOWN', reason: '', ip: '' });
    expect(() => parseFailureReport({ failure_code: 'MULTIPLE_FAILED' })).toThrow('invalid report_failure entry: model_id is missing');
  });

  it('accepts the model state the local orchestrator announces', () => {
    const announced = {
      model_id: '42',
      deployment_id: '42_20260101_120000_000',
      state: 'RUNNING',
      ip: '127.0.0.1',
      port: 50123,
      infos: { model_name: 'ewma', cruncher_id: 'c1', cruncher_name: 'alice', cruncher_wallet_pubkey: '', cruncher_hotkey: null },
    };
    expect(parseModelState(announced)).toEqual({ ok: true, state: announced });
  });
});

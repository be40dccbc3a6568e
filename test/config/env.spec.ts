import { ConfigError } from '../../src/config/config-error';
import { readDurationMs, readInt, readPort } from '../../src/config/env';
import { localOrchestratorOptionsFromEnv } from '../../src/local-orchestrator/local-orchestrator-options';
import { modelRunnerOptionsFromEnv } from '../../src/model-runner/model-runner.options';

describe('environment readers', () => {
  it('read a port, refusing 0 unless it means any free port', () => {
    expect(readPort({ P: '9091' }, 'P')).toBe(9091);
    expect(readPort({}, 'P')).toBeUndefined();
    expect(readPort({ P: '0' }, 'P', { default: 9091, ephemeral: true })).toBe(0);
    expect(() => readPort({ P: '0' }, 'P')).toThrow(new ConfigError('P', '"0" is not a valid port number'));
    expect(() => readPort({ P: '65536' }, 'P')).toThrow('P: "65536" is not a valid port number');
  });

  it('read a duration in whole milliseconds up to what a timer can wait', () => {
    expect(readDurationMs({ D: '70000' }, 'D', { default: 5000 })).toBe(70000);
    expect(readDurationMs({ D: ' ' }, 'D', { default: 5000 })).toBe(5000);
    expect(() => readDurationMs({ D: '1.5' }, 'D')).toThrow('D: must be an integer, got "1.5"');
    expect(() => readDurationMs({ D: '-1' }, 'D')).toThrow('D: must be an integer >= 0, got -1');
    expect(() => readDurationMs({ D: '2147483648' }, 'D')).toThrow('D: must be an integer <= 2147483647');
  });

  it('leave an unset integer without a default undefined', () => {
    expect(readInt({}, 'N', { min: 1 })).toBeUndefined();
    expect(readInt({ N: '3' }, 'N', { min: 1 })).toBe(3);
  });
});

describe('module settings read through the same readers', () => {
  it('take LOCAL_ORCHESTRATOR_RESCAN_MS as a duration, not a port (70000 is 70 s)', () => {
    const options = localOrchestratorOptionsFromEnv({ LOCAL_ORCHESTRATOR_RESCAN_MS: '70000' }, { crunchId: 'x' });
    expect(options.rescanIntervalMs).toBe(70000);
    expect(() => localOrchestratorOptionsFromEnv({ LOCAL_ORCHESTRATOR_RESCAN_MS: 'soon' }, { crunchId: 'x' })).toThrow(
      new ConfigError('LOCAL_ORCHESTRATOR_RESCAN_MS', 'must be an integer, got "soon"'),
    );
  });

  it('report a model-runner variable as a ConfigError naming it', () => {
    let error: unknown;
    try {
      modelRunnerOptionsFromEnv({ ORCHESTRATOR_RECONNECT_MS: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ key: 'ORCHESTRATOR_RECONNECT_MS', message: 'ORCHESTRATOR_RECONNECT_MS: must be an integer >= 1, got 0' });
  });
});

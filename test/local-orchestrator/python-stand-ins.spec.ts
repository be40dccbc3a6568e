import { spawnSync } from 'child_process';
import { join } from 'path';
import { locateRunnerPaths } from '../../src/local-orchestrator/runner-paths';

/**
 * The Python stand-ins (deployment/packages/python: crunch_synth, condorgame) are pinned by
 * Python unittest files next to this spec; this runs them with the interpreter the local
 * orchestrator uses, with only the stand-ins on the path.
 */
describe('Python stand-in packages (crunch_synth, condorgame)', () => {
  it('pass their unittest suite: PriceStore, tick, predict_all, SubTracker routing, the 3-component limit', () => {
    const testsDir = join(__dirname, 'python-stand-ins');
    const run = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', testsDir, '-t', testsDir, '-v'], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: locateRunnerPaths().pythonPackagesDir, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const summary = run.stderr.trim().split('\n').slice(-3).join('\n');
    expect({ status: run.status, summary }).toEqual({ status: 0, summary: expect.stringMatching(/Ran \d+ tests[\s\S]*OK$/) });
    expect(Number(/Ran (\d+) tests/.exec(run.stderr)?.[1])).toBeGreaterThanOrEqual(23);
  });
});

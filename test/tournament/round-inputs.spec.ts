import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TournamentDefinition } from '../../src/config/competition/competition.types';
import { readRoundRequest, readTruthRequest, RoundPayloadError } from '../../src/tournament/round-inputs';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'round-inputs-'));
const folder = path.join(work, 'rounds');
fs.mkdirSync(path.join(folder, 'week'), { recursive: true });
fs.writeFileSync(path.join(folder, 'week', 'one.json'), JSON.stringify({ features: [[1], [2]] }));
fs.writeFileSync(path.join(folder, 'broken.json'), '{"features": [');
fs.writeFileSync(path.join(folder, 'big.json'), JSON.stringify({ features: new Array(100).fill([1]) }));
fs.writeFileSync(path.join(work, 'secret.json'), JSON.stringify({ features: [[9], [9]] }));
fs.symlinkSync(path.join(work, 'secret.json'), path.join(folder, 'escape.json'));

const TOURNAMENT: TournamentDefinition = {
  subject: 'round',
  inputs: { type: ['object'], required: ['features'], properties: { features: { type: ['array'], minItems: 2 } } },
  truth: { type: ['array'], items: { type: ['number'] } },
  inputsFolder: folder,
  maxInputBytes: 200,
};

function refusal(read: () => unknown): { field: string; problem: string } {
  try {
    read();
  } catch (error) {
    if (error instanceof RoundPayloadError) return { field: error.field, problem: error.problem };
    throw error;
  }
  throw new Error('accepted');
}

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('reading a round request', () => {
  it('takes inputs as JSON, the round id from the body or the Idempotency-Key header', () => {
    expect(readRoundRequest({ round_id: 'w-1', inputs: { features: [[1], [2]] } }, undefined, TOURNAMENT)).toEqual({ clientRoundId: 'w-1', inputs: { features: [[1], [2]] }, inputsFile: null });
    expect(readRoundRequest({ inputs: { features: [[1], [2]] } }, 'w-2', TOURNAMENT).clientRoundId).toBe('w-2');
    expect(readRoundRequest({ inputs: { features: [[1], [2]] } }, undefined, TOURNAMENT).clientRoundId).toBeNull();
  });

  it('reads an inputs file under the folder', () => {
    expect(readRoundRequest({ inputs_file: 'week/one.json' }, undefined, TOURNAMENT)).toEqual({ clientRoundId: null, inputs: { features: [[1], [2]] }, inputsFile: 'week/one.json' });
  });

  it.each([
    [{ inputs_file: '../secret.json' }, 'must be a relative path'],
    [{ inputs_file: '/etc/passwd.json' }, 'must be a relative path'],
    [{ inputs_file: 'escape.json' }, 'resolves outside tournament.inputsFolder'],
    [{ inputs_file: 'missing.json' }, 'no such file'],
    [{ inputs_file: 'broken.json' }, 'is not valid JSON'],
    [{ inputs_file: 'big.json' }, 'larger than tournament.maxInputBytes'],
    [{ inputs_file: 'week' }, 'must be a relative path of a .json file'],
  ])('refuses %j, never reading outside the folder: %s', (body, problem) => {
    expect(refusal(() => readRoundRequest(body, undefined, TOURNAMENT))).toEqual({ field: 'inputs_file', problem: expect.stringContaining(problem) });
  });

  it.each([
    [[], undefined, '(body)'],
    [{}, undefined, 'inputs'],
    [{ inputs: { features: [[1], [2]] }, inputs_file: 'week/one.json' }, undefined, 'inputs'],
    [{ inputs: { features: new Array(60).fill([1]) } }, undefined, 'inputs'],
    [{ inputs: { features: [[1]] } }, undefined, 'inputs.features'],
    [{ round_id: 'a b', inputs: { features: [[1], [2]] } }, undefined, 'round_id'],
    [{ round_id: 'a', inputs: { features: [[1], [2]] } }, 'b', 'round_id'],
    [{ inputs: { features: [[1], [2]] } }, 'no spaces please', 'Idempotency-Key'],
  ])('refuses %j (Idempotency-Key %j), naming %s', (body, key, field) => {
    expect(refusal(() => readRoundRequest(body, key, TOURNAMENT)).field).toBe(field);
  });

  it('refuses an inputs file when the tournament has no inputs folder', () => {
    expect(refusal(() => readRoundRequest({ inputs_file: 'week/one.json' }, undefined, { ...TOURNAMENT, inputsFolder: null }))).toEqual({ field: 'inputs_file', problem: expect.stringContaining('JSON only') });
  });
});

describe('reading a truth', () => {
  it('takes a truth that fits its schema', () => {
    expect(readTruthRequest({ truth: [0.5, -1] }, TOURNAMENT)).toEqual([0.5, -1]);
  });

  it.each([
    [{}, 'truth'],
    [{ truth: [1], note: 'x' }, 'note'],
    [{ truth: [1, 'x'] }, 'truth[1]'],
    [{ truth: [] }, 'truth'],
  ])('refuses %j, naming %s', (body, field) => {
    expect(refusal(() => readTruthRequest(body, TOURNAMENT)).field).toBe(field);
  });
});

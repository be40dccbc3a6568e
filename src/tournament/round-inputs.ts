import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TournamentDefinition } from '../config/competition/competition.types';
import { payloadProblem, PayloadSchema } from '../config/competition/payload-schema';

/** A round's inputs or truth break the rules: `field` names what to fix (`inputs.features[2]`). */
export class RoundPayloadError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'RoundPayloadError';
  }
}

/** The client round id: what makes a repeated POST open one round. */
const CLIENT_ROUND_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
/** An inputs file reference: a relative path of plain segments, ending in .json. */
const INPUTS_FILE = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\.json$/;

/** What `POST /tournament/rounds` asks for, once read. */
export interface RoundRequest {
  clientRoundId: string | null;
  inputs: unknown;
  /** Relative to `tournament.inputsFolder`, when the inputs came from a file. */
  inputsFile: string | null;
}

/**
 * Reads the body of `POST /tournament/rounds`: `{ round_id?, inputs }` or `{ round_id?, inputs_file }`
 * (a `.json` file under `tournament.inputsFolder`; never a path outside it, symbolic links
 * included), with the Idempotency-Key header as the round id when the body has none. The inputs
 * are checked against `tournament.inputs`.
 *
 * @example
 *   readRoundRequest({ round_id: 'week-12', inputs: { features: [[0.1, 2]] } }, undefined, tournament)
 *   // { clientRoundId: 'week-12', inputs: { features: [[0.1, 2]] }, inputsFile: null }
 */
export function readRoundRequest(body: unknown, idempotencyKey: string | undefined, tournament: TournamentDefinition): RoundRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RoundPayloadError('(body)', 'must be a JSON object');
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!['round_id', 'inputs', 'inputs_file'].includes(key)) throw new RoundPayloadError(key, 'is not allowed (allowed: round_id, inputs, inputs_file)');
  }
  const clientRoundId = readClientRoundId(fields.round_id, idempotencyKey);
  const hasInputs = Object.prototype.hasOwnProperty.call(fields, 'inputs');
  const hasFile = fields.inputs_file !== undefined;
  if (hasInputs === hasFile) throw new RoundPayloadError('inputs', 'give exactly one of inputs (JSON) and inputs_file (a file under tournament.inputsFolder)');
  const inputsFile = hasFile ? readInputsFileName(fields.inputs_file, tournament) : null;
  const inputs = inputsFile !== null ? readInputsFile(inputsFile, tournament) : fields.inputs;
  if (inputsFile === null && Buffer.byteLength(JSON.stringify(inputs) ?? '', 'utf8') > tournament.maxInputBytes) {
    throw new RoundPayloadError('inputs', `is larger than tournament.maxInputBytes (${tournament.maxInputBytes} bytes)`);
  }
  checkPayload(inputs, tournament.inputs, 'inputs');
  return { clientRoundId, inputs, inputsFile };
}

/** Reads the body of `POST /tournament/rounds/{id}/truth`: `{ truth }`, checked against `tournament.truth`. */
export function readTruthRequest(body: unknown, tournament: TournamentDefinition): number | number[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RoundPayloadError('(body)', 'must be a JSON object');
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== 'truth') throw new RoundPayloadError(key, 'is not allowed (allowed: truth)');
  }
  if (!Object.prototype.hasOwnProperty.call(fields, 'truth')) throw new RoundPayloadError('truth', 'is required');
  checkPayload(fields.truth, tournament.truth, 'truth');
  // The loader only admits schemas of a number or a list of numbers; this guards the type as well.
  const truth = fields.truth;
  if (typeof truth === 'number' && Number.isFinite(truth)) return truth;
  if (Array.isArray(truth) && truth.length > 0 && truth.every((v) => typeof v === 'number' && Number.isFinite(v))) return truth as number[];
  throw new RoundPayloadError('truth', 'must be a finite number or a non-empty list of finite numbers');
}

function checkPayload(value: unknown, schema: PayloadSchema, at: string): void {
  const problem = payloadProblem(value, schema, at);
  if (problem) throw new RoundPayloadError(problem.field, problem.message);
}

function readClientRoundId(fromBody: unknown, fromHeader: string | undefined): string | null {
  if (fromBody !== undefined && fromBody !== null) {
    if (typeof fromBody !== 'string' || !CLIENT_ROUND_ID.test(fromBody)) throw new RoundPayloadError('round_id', 'must be 1 to 128 letters, digits, _ . : - (starting with a letter or digit)');
    if (fromHeader !== undefined && fromHeader !== fromBody) throw new RoundPayloadError('round_id', 'differs from the Idempotency-Key header (give one, or the same)');
    return fromBody;
  }
  if (fromHeader === undefined) return null;
  if (!CLIENT_ROUND_ID.test(fromHeader)) throw new RoundPayloadError('Idempotency-Key', 'must be 1 to 128 letters, digits, _ . : - (starting with a letter or digit)');
  return fromHeader;
}

function readInputsFileName(raw: unknown, tournament: TournamentDefinition): string {
  if (tournament.inputsFolder === null) throw new RoundPayloadError('inputs_file', 'this tournament takes inputs as JSON only (no tournament.inputsFolder in the competition file)');
  if (typeof raw !== 'string' || !INPUTS_FILE.test(raw) || raw.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new RoundPayloadError('inputs_file', 'must be a relative path of a .json file under tournament.inputsFolder (letters, digits, _ . -, no ..)');
  }
  return raw;
}

/** Reads an inputs file, refusing anything that resolves outside the folder (a symbolic link out of it included). */
function readInputsFile(relative: string, tournament: TournamentDefinition): unknown {
  const folder = fs.realpathSync(tournament.inputsFolder!);
  let resolved: string;
  try {
    resolved = fs.realpathSync(path.join(folder, relative));
  } catch {
    throw new RoundPayloadError('inputs_file', `no such file under tournament.inputsFolder: ${relative}`);
  }
  if (!resolved.startsWith(folder + path.sep)) throw new RoundPayloadError('inputs_file', `${relative} resolves outside tournament.inputsFolder`);
  const stat = fs.statSync(resolved);
  if (!stat.isFile()) throw new RoundPayloadError('inputs_file', `${relative} is not a file`);
  if (stat.size > tournament.maxInputBytes) throw new RoundPayloadError('inputs_file', `${relative} is larger than tournament.maxInputBytes (${tournament.maxInputBytes} bytes)`);
  try {
    return JSON.parse(fs.readFileSync(resolved, 'utf8'));
  } catch (error) {
    throw new RoundPayloadError('inputs_file', `${relative} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * A model-state object of the orchestrator's membership WebSocket (spec section 3): the
 * coordinator validates what it receives with `parseModelState`; the local orchestrator builds
 * the same shape to send.
 *
 * @example
 *   const parsed = parseModelState({ model_id: 'm1', deployment_id: 'm1_20260101_000000_000',
 *     state: 'RUNNING', ip: '10.0.0.5', port: '50051', infos: { model_name: 'alpha' } });
 *   if (parsed.ok) parsed.state.port; // 50051
 */
export type ModelRunState = 'RUNNING' | 'STOPPED' | 'RECOVERING';

export interface ModelInfos {
  model_name: string | null;
  cruncher_id: string | null;
  cruncher_name: string | null;
  cruncher_wallet_pubkey: string | null;
  cruncher_hotkey: string | null;
  /** Any other field the orchestrator sends is kept as is. */
  [extra: string]: unknown;
}

export interface ModelState {
  model_id: string;
  deployment_id: string;
  state: ModelRunState;
  ip: string;
  port: number;
  infos: ModelInfos;
}

export type ModelStateParse = { ok: true; state: ModelState } | { ok: false; reason: string };

const STATES: readonly ModelRunState[] = ['RUNNING', 'STOPPED', 'RECOVERING'];
const INFO_FIELDS = ['model_name', 'cruncher_id', 'cruncher_name', 'cruncher_wallet_pubkey', 'cruncher_hotkey'] as const;

export function parseModelState(raw: unknown): ModelStateParse {
  if (!isRecord(raw)) return { ok: false, reason: `expected an object, got ${typeName(raw)}` };
  const id = raw.model_id;
  if (typeof id !== 'string' || id === '') return { ok: false, reason: 'model_id must be a non-empty string' };
  const fail = (reason: string): ModelStateParse => ({ ok: false, reason: `model ${id}: ${reason}` });

  if (typeof raw.deployment_id !== 'string' || raw.deployment_id === '') {
    return fail('deployment_id must be a non-empty string');
  }
  if (typeof raw.state !== 'string' || !STATES.includes(raw.state as ModelRunState)) {
    return fail(`unknown state ${JSON.stringify(raw.state)} (expected ${STATES.join('|')})`);
  }
  const state = raw.state as ModelRunState;
  // STOPPED/RECOVERING entries only need to name the deployment; address fields may be empty.
  const needsAddress = state === 'RUNNING';
  const ip = raw.ip ?? '';
  if (typeof ip !== 'string' || (needsAddress && ip === '')) return fail('ip must be a non-empty string');
  const port = parsePort(raw.port);
  if (port === null && needsAddress) return fail(`port ${JSON.stringify(raw.port)} is not a TCP port`);

  const infos = parseInfos(raw.infos);
  if (typeof infos === 'string') return fail(infos);
  return {
    ok: true,
    state: { model_id: id, deployment_id: raw.deployment_id, state, ip, port: port ?? 0, infos },
  };
}

function parsePort(raw: unknown): number | null {
  const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 65535 ? value : null;
}

function parseInfos(raw: unknown): ModelInfos | string {
  if (raw === undefined || raw === null) raw = {};
  if (!isRecord(raw)) return `infos must be an object, got ${typeName(raw)}`;
  const infos: ModelInfos = {
    ...raw,
    model_name: null,
    cruncher_id: null,
    cruncher_name: null,
    cruncher_wallet_pubkey: null,
    cruncher_hotkey: null,
  };
  for (const field of INFO_FIELDS) {
    const value = raw[field];
    if (value === undefined || value === null) continue;
    if (typeof value === 'number') infos[field] = String(value);
    else if (typeof value === 'string') infos[field] = value;
    else return `infos.${field} must be a string or null, got ${typeName(value)}`;
  }
  return infos;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

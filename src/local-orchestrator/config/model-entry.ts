import { existsSync, statSync } from 'fs';
import { isAbsolute, resolve } from 'path';

export type ModelLanguage = 'typescript' | 'javascript' | 'python';
export type ModelIsolation = 'process' | 'inline';

/**
 * One model of the models config file, validated. `isolation: inline` runs a trusted JS model
 * inside the orchestrator process (benchmarks); `process` (default) gives it its own process.
 *
 * @example  (YAML)
 *   - { id: "1", name: ewma, cruncher_id: c1, cruncher_name: alice, desired_state: RUNNING,
 *       code_path: models/gaussian-ewma, language: javascript }
 */
export interface ModelEntry {
  id: string;
  name: string;
  cruncherId: string;
  cruncherName: string;
  desiredState: 'RUNNING' | 'STOPPED';
  /** Absolute path of the submission directory. */
  codePath: string;
  language: ModelLanguage;
  isolation: ModelIsolation;
  walletPubkey: string;
  hotkey: string | null;
}

export class InvalidModelEntryError extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
    /** The entry's `id` when it has one. */
    readonly modelId?: string,
  ) {
    super(`models config entry ${key}: ${reason}`);
    this.name = 'InvalidModelEntryError';
  }
}

const LANGUAGES: readonly ModelLanguage[] = ['typescript', 'javascript', 'python'];
const ISOLATIONS: readonly ModelIsolation[] = ['process', 'inline'];
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function text(raw: Record<string, unknown>, field: string, key: string, fallback?: string): string {
  const value = raw[field];
  if (value === undefined || value === null || value === '') {
    if (fallback !== undefined) return fallback;
    throw new InvalidModelEntryError(key, `${field} is required`);
  }
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new InvalidModelEntryError(key, `${field} must be a string`);
  return value;
}

function oneOf<T extends string>(raw: Record<string, unknown>, field: string, key: string, allowed: readonly T[], fallback?: T): T {
  const value = raw[field] ?? fallback;
  if (!allowed.includes(value as T)) {
    throw new InvalidModelEntryError(key, `${field} must be one of ${allowed.join('|')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Validates one raw entry; `baseDir` resolves a relative code_path (the config file's folder). */
export function parseModelEntry(raw: unknown, key: string, baseDir: string): ModelEntry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidModelEntryError(key, 'not a mapping');
  const fields = raw as Record<string, unknown>;
  const id = text(fields, 'id', key);
  if (!MODEL_ID.test(id)) throw new InvalidModelEntryError(key, `id ${JSON.stringify(id)} may hold only letters, digits, '_', '.', '-'`);
  const language = oneOf(fields, 'language', key, LANGUAGES);
  const isolation = oneOf(fields, 'isolation', key, ISOLATIONS, 'process');
  if (language === 'python' && isolation === 'inline') {
    throw new InvalidModelEntryError(key, 'python models always run in their own process (isolation: inline is JS only)');
  }
  const codeField = text(fields, 'code_path', key);
  const codePath = isAbsolute(codeField) ? codeField : resolve(baseDir, codeField);
  if (!existsSync(codePath) || !statSync(codePath).isDirectory()) {
    throw new InvalidModelEntryError(key, `code_path ${codePath} is not a directory`);
  }
  const hotkey = fields.hotkey;
  if (hotkey !== undefined && hotkey !== null && typeof hotkey !== 'string') {
    throw new InvalidModelEntryError(key, 'hotkey must be a string');
  }
  return {
    id,
    name: text(fields, 'name', key, id),
    cruncherId: text(fields, 'cruncher_id', key),
    cruncherName: text(fields, 'cruncher_name', key, ''),
    desiredState: oneOf(fields, 'desired_state', key, ['RUNNING', 'STOPPED'] as const, 'RUNNING'),
    codePath,
    language,
    isolation,
    walletPubkey: text(fields, 'wallet_pubkey', key, ''),
    hotkey: (hotkey as string | null | undefined) ?? null,
  };
}

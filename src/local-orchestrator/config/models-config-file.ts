import { readFileSync } from 'fs';
import { dirname } from 'path';
import { parse } from 'yaml';
import { InvalidModelEntryError, ModelEntry, parseModelEntry } from './model-entry';

export class ModelsConfigFileError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`models config ${path}: ${reason}`);
    this.name = 'ModelsConfigFileError';
  }
}

export interface ModelsConfig {
  entries: ModelEntry[];
  /** Entries that were skipped, each with its key and reason. */
  problems: InvalidModelEntryError[];
}

/**
 * Reads the models config: a YAML list of entries, or `{defaults: {...}, models: [...]}` where
 * `defaults` fills fields an entry leaves out (e.g. `isolation: inline` for a benchmark).
 * Invalid entries (and repeated ids) are skipped and reported; the rest are returned.
 *
 * @example
 *   const { entries, problems } = readModelsConfig('deployment/models.yaml');
 */
export function readModelsConfig(path: string): ModelsConfig {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelsConfigFileError(path, (error as Error).message);
  }
  let defaults: Record<string, unknown> = {};
  let list: unknown = document ?? [];
  if (list !== null && typeof list === 'object' && !Array.isArray(list)) {
    const root = list as { defaults?: unknown; models?: unknown };
    if (root.defaults !== undefined && (typeof root.defaults !== 'object' || root.defaults === null)) {
      throw new ModelsConfigFileError(path, '"defaults" must be a mapping');
    }
    defaults = (root.defaults ?? {}) as Record<string, unknown>;
    list = root.models ?? [];
  }
  if (!Array.isArray(list)) throw new ModelsConfigFileError(path, 'expected a list of models or {models: [...]}');

  const entries: ModelEntry[] = [];
  const problems: InvalidModelEntryError[] = [];
  const seen = new Set<string>();
  list.forEach((raw: unknown, index) => {
    const rawId = (raw as { id?: unknown } | null)?.id;
    const key = rawId === undefined ? `models[${index}]` : `models[${index}] (id ${String(rawId)})`;
    try {
      const merged = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...defaults, ...raw } : raw;
      const entry = parseModelEntry(merged, key, dirname(path));
      if (seen.has(entry.id)) throw new InvalidModelEntryError(key, `id ${entry.id} appears more than once`);
      seen.add(entry.id);
      entries.push(entry);
    } catch (error) {
      if (!(error instanceof InvalidModelEntryError)) throw error;
      problems.push(rawId === undefined ? error : new InvalidModelEntryError(error.key, error.reason, String(rawId)));
    }
  });
  return { entries, problems };
}

import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CHECKLIST } from './checklist';
import { InitUsageError } from './init-arguments';

/** Keys an answers file may hold: the checklist's, plus the project name and the pack. */
export const ANSWER_FILE_KEYS = ['name', 'pack', ...CHECKLIST.map((q) => q.key)];

/**
 * Reads an answers file (YAML or JSON): a mapping of checklist keys to values, e.g.
 * `{name: demo-game, pack: realtime, assets: [BTC, ETH], resolutions: ["120/30/40"]}`.
 * An unknown key is an error, so a typo is not silently replaced by a default.
 */
export function readAnswersFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InitUsageError(`--answers ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new InitUsageError(`--answers ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new InitUsageError(`--answers ${file}: expected a mapping of answers`);
  const unknown = Object.keys(doc).filter((key) => !ANSWER_FILE_KEYS.includes(key));
  if (unknown.length > 0) throw new InitUsageError(`--answers ${file}: unknown key "${unknown[0]}" (keys: ${ANSWER_FILE_KEYS.join(', ')})`);
  return doc as Record<string, unknown>;
}

import { AnswerKey, CHECKLIST, ChecklistQuestion, InitAnswers, InvalidAnswerError } from './checklist';
import { InitUsageError } from './init-arguments';
import { Prompter } from './prompter';

/** Where an answer may come from, first found wins: a flag, then the answers file. */
export interface AnswerSources {
  flags: Record<string, unknown>;
  file: Record<string, unknown>;
  /** The pack's defaults (raw, like an answers file). */
  defaults: Record<string, unknown>;
  /**
   * The questions the pack asks (pack.yaml `asks`); the others take the pack's default without a
   * prompt (a tournament has no feed to choose). Absent: every question is asked.
   */
  asks?: readonly string[];
}

/**
 * How answers not given are obtained: asked on a terminal (`prompter`, unless `yes`), taken from
 * the pack's defaults (`yes`), or reported missing (neither: stdin is not a terminal).
 */
export interface AnswerMode {
  prompter: Prompter | null;
  yes: boolean;
}

const MAX_ATTEMPTS = 5;

/**
 * Walks the checklist and returns every answer, parsed and validated. Given answers that do
 * not parse, and missing answers when nothing may prompt or default, throw InitUsageError
 * naming the keys.
 *
 * @example
 *   await collectAnswers({ flags: { assets: 'BTC' }, file: {}, defaults: pack.defaults }, { prompter: null, yes: true }, { name, pack })
 */
export async function collectAnswers(
  sources: AnswerSources,
  mode: AnswerMode,
  start: Pick<InitAnswers, 'name' | 'pack'>,
): Promise<InitAnswers> {
  const answers: Partial<InitAnswers> = { ...start };
  const missing: AnswerKey[] = [];
  for (const q of CHECKLIST) {
    const given = sources.flags[q.key] ?? sources.file[q.key];
    const defaultValue = defaultOf(q, sources.defaults, answers);
    const asked = sources.asks === undefined || sources.asks.includes(q.key);
    if (given !== undefined) {
      assign(answers, q, parseGiven(q, given, answers));
    } else if (!asked && defaultValue !== undefined) {
      assign(answers, q, q.parse(defaultValue, answers));
    } else if (mode.prompter && !mode.yes) {
      assign(answers, q, await ask(q, mode.prompter, defaultValue, answers));
    } else if (mode.yes && defaultValue !== undefined) {
      assign(answers, q, q.parse(defaultValue, answers));
    } else {
      missing.push(q.key);
    }
  }
  if (missing.length > 0) {
    const how = mode.yes ? 'the pack has no default for them' : 'stdin is not a terminal: pass --yes to take the pack defaults';
    throw new InitUsageError(`missing answers: ${missing.join(', ')} (give them as flags or in --answers FILE; ${how})`);
  }
  return answers as InitAnswers;
}

function assign<K extends AnswerKey>(answers: Partial<InitAnswers>, q: ChecklistQuestion<K>, value: InitAnswers[K]): void {
  answers[q.key] = value;
}

/** The pack's default as text to show, when it still holds for the earlier answers. */
function defaultOf(q: ChecklistQuestion, defaults: Record<string, unknown>, earlier: Partial<InitAnswers>): string | undefined {
  const raw = defaults[q.key];
  if (raw === undefined) return undefined;
  try {
    return q.format(q.parse(raw, earlier) as never);
  } catch {
    return undefined; // e.g. the pack's scorer does not fit the output chosen instead of the pack's
  }
}

function parseGiven(q: ChecklistQuestion, raw: unknown, earlier: Partial<InitAnswers>) {
  try {
    return q.parse(raw, earlier);
  } catch (error) {
    if (error instanceof InvalidAnswerError) throw new InitUsageError(`invalid answer ${error.message}`);
    throw error;
  }
}

async function ask(q: ChecklistQuestion, prompter: Prompter, defaultText: string | undefined, earlier: Partial<InitAnswers>) {
  for (let attempt = 1; ; attempt++) {
    const reply = await prompter.ask(q.prompt, defaultText);
    try {
      return q.parse(reply, earlier);
    } catch (error) {
      if (!(error instanceof InvalidAnswerError)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new InitUsageError(`invalid answer ${error.message} (${MAX_ATTEMPTS} attempts)`);
      prompter.note(`  ${error.message}`);
    }
  }
}

import { parseArgs } from 'node:util';
import { CHECKLIST } from './checklist';

/** A bad flag or answers file: one line on stderr, exit code 2. */
export class InitUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InitUsageError';
  }
}

export interface InitArguments {
  name: string | undefined;
  pack: string | undefined;
  answersFile: string | undefined;
  yes: boolean;
  help: boolean;
  /** Raw answers from flags, by answer key. */
  flagAnswers: Record<string, string>;
}

export const INIT_USAGE = [
  'usage: coordinator-node init [NAME] [--pack realtime|multi-resolution] [--answers answers.yaml] [--yes] [flags]',
  'Walks the design checklist and writes NAME/: competition.yaml, models.yaml, two example models,',
  'and the participant packages (python/, typescript/). Interactive on a terminal; --yes takes the',
  "pack's defaults for every answer not given. Answer flags (also keys of an answers file):",
  ...CHECKLIST.map((q) => `  --${q.flag.padEnd(16)} ${q.prompt}   (answers key: ${q.key})`),
  '',
].join('\n');

export function parseInitArguments(args: string[]): InitArguments {
  const answerFlags = Object.fromEntries(CHECKLIST.map((q) => [q.flag, { type: 'string' as const }]));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...answerFlags,
        pack: { type: 'string' },
        answers: { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new InitUsageError((error as Error).message.split('\n')[0]);
  }
  if (parsed.positionals.length > 1) throw new InitUsageError(`expected one project name, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const flagAnswers: Record<string, string> = {};
  for (const q of CHECKLIST) {
    const value = values[q.flag];
    if (typeof value === 'string') flagAnswers[q.key] = value;
  }
  return {
    name: parsed.positionals[0],
    pack: values.pack as string | undefined,
    answersFile: values.answers as string | undefined,
    yes: values.yes === true,
    help: values.help === true,
    flagAnswers,
  };
}

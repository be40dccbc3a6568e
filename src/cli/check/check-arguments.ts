import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommandUsageError, readCommandFlags } from '../command-io';

export const USAGE = `usage: coordinator-node check [--competition FILE] [--models FILE] [--json] [--duration SECONDS]
  Before going live: validates the competition file, then runs one tick and some rounds of every
  prediction config on a short seeded synthetic history, with the example models of the models file
  and two reference models it writes (a constant one and an informed one), and reports what a
  degenerate game would show (every model the same score, all scores zero, a config never scored,
  a scorer that cannot tell the informed model from the constant one, a payload near the limit,
  an example model that does not run).
  --competition FILE   the competition file (default: COMPETITION_FILE, else competitions/demo.yaml)
  --models FILE        the models file (default: the competition's models:, else deployment/models.yaml)
  --json               print the report as JSON
  --duration SECONDS   simulated seconds to run (default: enough for every config's horizon and a few rounds)
  Exit codes: 0 all checks pass, 2 a warning (or bad arguments), 1 an error (invalid file, nothing ran).`;

/** A validated check command line (paths absolute). */
export interface CheckArguments {
  competitionFile: string;
  modelsFile?: string;
  json: boolean;
  durationSeconds?: number;
}

export type CheckCommand = { kind: 'help' } | ({ kind: 'check' } & CheckArguments);

/** Reads the flags; throws CommandUsageError naming the flag or file at fault. */
export function readCheckArguments(args: string[], cwd: string, env: Readonly<Record<string, string | undefined>>): CheckCommand {
  const { values } = readCommandFlags(args, {
    competition: { type: 'string' },
    models: { type: 'string' },
    json: { type: 'boolean' },
    duration: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { kind: 'help' };
  const competitionFile = path.resolve(cwd, values.competition ?? env.COMPETITION_FILE ?? 'competitions/demo.yaml');
  if (!fs.existsSync(competitionFile)) throw new CommandUsageError(`${values.competition === undefined ? 'the competition file' : '--competition'}: ${competitionFile} does not exist`);
  const modelsFile = values.models === undefined ? undefined : path.resolve(cwd, values.models);
  if (modelsFile !== undefined && !fs.existsSync(modelsFile)) throw new CommandUsageError(`--models: ${modelsFile} does not exist`);
  let durationSeconds: number | undefined;
  if (values.duration !== undefined) {
    durationSeconds = Number(values.duration);
    if (!/^\d+$/.test(values.duration) || durationSeconds < 1 || durationSeconds > 7 * 86_400) {
      throw new CommandUsageError(`--duration must be a whole number of seconds between 1 and ${7 * 86_400}, got "${values.duration}"`);
    }
  }
  return { kind: 'check', competitionFile, modelsFile, json: values.json ?? false, durationSeconds };
}

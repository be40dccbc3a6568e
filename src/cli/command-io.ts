import { parseArgs, ParseArgsConfig } from 'node:util';

/**
 * What a `coordinator-node` sub-command gets (bin/coordinator-node.js passes the process's own
 * streams; tests pass buffers). A command module exports `run(args, io): Promise<number>`, the
 * number being the exit code: 0 done, 1 could not do it, 2 bad arguments or input files.
 */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Where relative paths are resolved from. */
  cwd: string;
  /** The environment (EXTENSION_MODULES, ...). */
  env: Readonly<Record<string, string | undefined>>;
}

/** A bad flag, a missing or unreadable file, bad JSON: one line to stderr, exit code 2. */
export class CommandUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandUsageError';
  }
}

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * The flags of a sub-command, strictly parsed: an unknown flag or a missing value is a
 * CommandUsageError whose message is parseArgs' first line ("Unknown option '--x'...") and a pointer
 * to --help.
 *
 * @example
 *   const { values } = readCommandFlags(args, { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
 */
export function readCommandFlags<O extends FlagOptions>(args: string[], options: O, { allowPositionals = false }: { allowPositionals?: boolean } = {}) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new CommandUsageError(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
}

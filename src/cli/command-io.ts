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

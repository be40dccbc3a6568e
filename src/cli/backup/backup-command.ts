import * as path from 'node:path';
import { ConfigError } from '../../config/config-error';
import { Env } from '../../config/env';
import { CommandIo, CommandUsageError, readCommandFlags } from '../command-io';
import { BackupError } from './backup-file';
import { BackupTarget, backupTarget, nodeEnvironment } from './backup-target';

/** `backup --out FILE` or `restore --in FILE`: one file flag, then the work on the node's database. */
export interface BackupCommand {
  name: 'backup' | 'restore';
  flag: 'out' | 'in';
  usage: string;
  /** Does the work; returns the line printed on success. */
  perform(file: string, target: BackupTarget, env: Env): Promise<string>;
}

/** Exit codes: 0 done, 1 could not (database in use, pg_dump missing, target not empty), 2 bad arguments or settings. */
export async function runBackupCommand(command: BackupCommand, args: string[], io: CommandIo): Promise<number> {
  const prefix = `coordinator-node ${command.name}`;
  try {
    const file = readFileFlag(command, args);
    if (file === undefined) {
      io.stdout(`${command.usage}\n`);
      return 0;
    }
    const env = nodeEnvironment(io);
    io.stdout(`${await command.perform(path.resolve(io.cwd, file), backupTarget(env), env)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CommandUsageError || error instanceof ConfigError) {
      io.stderr(`${prefix}: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof BackupError ? error.message : `unexpected error: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
    io.stderr(`${prefix}: ${message}\n`);
    return 1;
  }
}

/** The value of `--out` / `--in`, or undefined for `--help`. */
function readFileFlag(command: BackupCommand, args: string[]): string | undefined {
  const { values, positionals } = readCommandFlags(args, { [command.flag]: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, { allowPositionals: true });
  if (values.help === true) return undefined;
  if (positionals.length > 0) throw new CommandUsageError(`unexpected argument "${positionals[0].slice(0, 40)}"; usage: ${command.name} --${command.flag} FILE`);
  const file = values[command.flag];
  if (typeof file !== 'string' || file.trim() === '') throw new CommandUsageError(`--${command.flag} FILE is required (see --help)`);
  return file;
}

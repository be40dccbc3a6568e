import { CommandIo, CommandUsageError } from '../command-io';
import { BackupCommand, runBackupCommand } from './backup-command';
import { backupKindOf, checkReadableFile } from './backup-file';
import { describeTarget } from './backup-target';
import { restoreEmbeddedDatabase } from './embedded-backup';
import { restoreServerDatabase } from './server-backup';

export const USAGE = `usage: coordinator-node restore --in FILE      (npm run restore -- --in FILE)
  Restores a backup made by \`coordinator-node backup\` into an empty database, never over one:
  - a pg_dump file into DATABASE_URL's database, which must hold no tables (needs pg_restore on
    PATH). Ownership and grants are not restored: run deployment/postgres/readonly-role.sql again.
  - an embedded-database backup into DATA_DIR, which must not hold a database yet.
  Start the node on it afterwards; pending migrations run at start as usual.`;

const RESTORE: BackupCommand = {
  name: 'restore',
  flag: 'in',
  usage: USAGE,
  async perform(file, target, env) {
    checkReadableFile(file);
    const kind = backupKindOf(file);
    if (kind !== target.kind) {
      throw new CommandUsageError(
        kind === 'server'
          ? `${file} is a PostgreSQL server backup (pg_dump): set DATABASE_URL to the empty database to restore it into`
          : `${file} is an embedded-database backup: unset DATABASE_URL and set DATA_DIR to the new folder to restore it into`,
      );
    }
    if (target.kind === 'server') {
      await restoreServerDatabase(target.url, file, env);
      return `restored ${file} into ${describeTarget(target)}`;
    }
    const migrations = await restoreEmbeddedDatabase(file, target.dataDir);
    return `restored ${file} into ${describeTarget(target)} (${migrations} migrations applied in it)`;
  },
};

/** `coordinator-node restore --in FILE`. */
export function run(args: string[], io: CommandIo): Promise<number> {
  return runBackupCommand(RESTORE, args, io);
}

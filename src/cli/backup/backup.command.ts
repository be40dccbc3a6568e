import { CommandIo } from '../command-io';
import { BackupCommand, runBackupCommand } from './backup-command';
import { checkNewFile } from './backup-file';
import { describeTarget } from './backup-target';
import { backupEmbeddedDatabase } from './embedded-backup';
import { backupServerDatabase } from './server-backup';

export const USAGE = `usage: coordinator-node backup --out FILE      (npm run backup -- --out FILE)
  Backs up the node's database into FILE (a new file):
  - DATABASE_URL set: the server's database with pg_dump (custom format; needs pg_dump on PATH,
    the server's major version or newer). The node may keep running.
  - else the embedded database under DATA_DIR, with PGlite's own dump of its folder. Stop the node
    first: the folder has one owner, and a running node is refused.
  Restore with: coordinator-node restore --in FILE`;

const BACKUP: BackupCommand = {
  name: 'backup',
  flag: 'out',
  usage: USAGE,
  async perform(file, target, env) {
    checkNewFile(file);
    if (target.kind === 'server') await backupServerDatabase(target.url, file, env);
    else await backupEmbeddedDatabase(target.dataDir, file);
    return `backed up ${describeTarget(target)} to ${file}`;
  },
};

/** `coordinator-node backup --out FILE`. */
export function run(args: string[], io: CommandIo): Promise<number> {
  return runBackupCommand(BACKUP, args, io);
}

/**
 * A stand-in for a running coordinator's hold on its embedded database: opens the folder given
 * as argument (taking its lock), prints "ready", and keeps it until SIGTERM.
 * Run with `node -r ./test/support/register-typescript.js test/ops/support/hold-embedded-database.ts DIR`.
 */
import { EmbeddedPostgres } from '../../../src/database/embedded-postgres';

async function main(): Promise<void> {
  const embedded = await EmbeddedPostgres.start({ dataDir: process.argv[2] });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void embedded.stop().then(() => process.exit(0));
  });
}

void main();

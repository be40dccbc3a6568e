import 'reflect-metadata';
import * as fs from 'node:fs';
import { bootstrapConfiguration } from './bootstrap/bootstrap-configuration';
import { startFailureLine } from './bootstrap/start-failure';
import { checkStartupResources } from './bootstrap/startup-checks';

const ENV_FILE = process.env.ENV_FILE ?? '.env';

/**
 * Starts the coordinator: validates the environment, the competition file and the plug-in names
 * (no I/O), checks DATA_DIR and the HTTP port (quick I/O), then loads and starts the app. Any
 * start failure is one line on stderr naming the variable or key, and exit code 1.
 */
async function main(): Promise<void> {
  // .env supplies defaults; variables already set in the environment win.
  if (fs.existsSync(ENV_FILE)) process.loadEnvFile(ENV_FILE);
  const boot = bootstrapConfiguration(process.env);
  // Loaded one after the other, so each check fails before the next, heavier load: the plug-in
  // classes pull in Nest (about 0.5 s), the whole app 1-3 s more.
  const { checkPluginNames } = await import('./bootstrap/plugin-names');
  checkPluginNames(boot, process.env);
  await checkStartupResources(boot.config, process.env);
  const { startCoordinator } = await import('./bootstrap/start-coordinator');
  await startCoordinator(boot);
}

main().catch((err: unknown) => {
  process.stderr.write(`${startFailureLine(err, Boolean(process.env.DATABASE_URL?.trim()))}\n`);
  process.exit(1);
});

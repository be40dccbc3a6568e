import * as fs from 'node:fs';
import * as path from 'node:path';

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`the embedded database at ${dataDir} is in use by process ${pid}; stop it or set DATA_DIR to another folder`);
    this.name = 'DataDirInUseError';
  }
}

/**
 * An exclusive lock on an embedded database folder: two processes writing one PGlite folder
 * would corrupt it. A lock left by a process that no longer runs is taken over.
 *
 * @example
 *   const lock = DataDirLock.acquire('./data/pglite'); ... lock.release();
 */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string): DataDirLock {
    // Beside the folder, not in it: PostgreSQL wants its data folder to itself.
    createDirectories(path.dirname(path.resolve(dataDir)));
    const file = `${path.resolve(dataDir)}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
        return new DataDirLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = Number(fs.readFileSync(file, 'utf8').trim());
        if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
          throw new DataDirInUseError(dataDir, holder);
        }
        fs.rmSync(file, { force: true });
      }
    }
    throw new Error(`could not lock ${dataDir}`);
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }
}

/**
 * `mkdir -p` that fails instead of looping: Node's recursive mkdirSync spins forever at 100% CPU
 * under a folder that refuses new entries with ENOENT (`DATA_DIR=/proc/x`), so each missing
 * folder is made on its own and the first refusal throws.
 */
export function createDirectories(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR' });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

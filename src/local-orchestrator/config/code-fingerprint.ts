import { createHash } from 'crypto';
import { readdirSync, statSync } from 'fs';
import { join } from 'path';

const SKIPPED = new Set(['node_modules', '__pycache__', '.git']);
const MAX_DEPTH = 4;

/**
 * A cheap identity of a submission directory (relative paths, sizes, modification times): when
 * it changes, the model's code changed and a new deployment replaces the running one.
 *
 * @example
 *   codeFingerprint('deployment/models/gaussian-ewma'); // 'sha1 hex'
 */
export function codeFingerprint(dir: string): string {
  const hash = createHash('sha1');
  walk(dir, '', 0, hash);
  return hash.digest('hex');
}

function walk(root: string, relative: string, depth: number, hash: ReturnType<typeof createHash>): void {
  let names: string[];
  try {
    names = readdirSync(join(root, relative)).sort();
  } catch {
    hash.update(`unreadable:${relative}\n`);
    return;
  }
  for (const name of names) {
    if (SKIPPED.has(name)) continue;
    const path = join(relative, name);
    try {
      const stats = statSync(join(root, path));
      if (stats.isDirectory()) {
        if (depth < MAX_DEPTH) walk(root, path, depth + 1, hash);
      } else {
        hash.update(`${path}:${stats.size}:${stats.mtimeMs}\n`);
      }
    } catch {
      hash.update(`vanished:${path}\n`);
    }
  }
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

/** A static file served from memory with its type and a strong ETag. */
export interface WebAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

export class WebAssetMissingError extends Error {
  constructor(readonly file: string, readonly searched: string[]) {
    super(`web asset ${file} not found (searched ${searched.join(', ')})`);
  }
}

/** The page and its scripts (page-core.js first: the views build on it; app.js routes between them). */
const PAGE_FILES = ['index.html', 'style.css', 'page-core.js', 'leaderboard-view.js', 'model-view.js', 'rounds-view.js', 'tournament-view.js', 'app.js'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The web page's files, read once at startup: index.html, its scripts and style.css from this
 * folder (or from `src/report/web` of the package when running the compiled build, which
 * does not copy them), and Chart.js's UMD bundle from node_modules (no CDN).
 *
 * @example
 *   const assets = loadWebAssets();
 *   assets.get('app.js')!.contentType // 'text/javascript; charset=utf-8'
 */
export function loadWebAssets(): Map<string, WebAsset> {
  const dirs = [__dirname, ...sourceWebDir(__dirname)];
  const assets = new Map<string, WebAsset>();
  for (const file of PAGE_FILES) {
    const found = dirs.map((d) => path.join(d, file)).find((p) => fs.existsSync(p));
    if (!found) throw new WebAssetMissingError(file, dirs);
    assets.set(file, asset(fs.readFileSync(found), TYPES[path.extname(file)]));
  }
  // chart.js's package exports hide dist/; resolve its main entry and take the sibling UMD build.
  const chartDir = path.dirname(require.resolve('chart.js'));
  assets.set('chart.umd.js', asset(fs.readFileSync(path.join(chartDir, 'chart.umd.min.js')), TYPES['.js']));
  return assets;
}

function asset(body: Buffer, contentType: string): WebAsset {
  return { body, contentType, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

// The compiled build (dist/src/report/web) has no HTML: find the nearest ancestor holding the sources.
function sourceWebDir(from: string): string[] {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'src', 'report', 'web');
    if (candidate !== from && fs.existsSync(path.join(candidate, 'index.html'))) return [candidate];
    const parent = path.dirname(dir);
    if (parent === dir) return [];
    dir = parent;
  }
}

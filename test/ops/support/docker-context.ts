import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerCopy } from './dockerfile';

/** `.dockerignore` patterns as Docker reads them: relative to the context root, `*` within one path segment. */
export function dockerIgnore(contextDir: string): (relative: string) => boolean {
  const file = path.join(contextDir, '.dockerignore');
  const patterns = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
    : [];
  if (patterns.some((p) => p.startsWith('!') || p.includes('**'))) throw new Error('.dockerignore uses exceptions or **, which this test does not read yet');
  const matchers = patterns.map((p) => new RegExp(`^${p.replace(/^\/+|\/+$/g, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}(/|$)`));
  return (relative) => matchers.some((m) => m.test(relative));
}

/**
 * Does what `COPY` does, into a folder standing for the image's filesystem: `workdir` of the
 * stage is `imageDir`; a source is read from `sourceDir` (the build context, or the folder
 * standing for the `--from` stage, whose workdir is `sourceWorkdir`).
 */
export function applyCopy(copy: DockerCopy, opts: { sourceDir: string; sourceWorkdir?: string; ignored?: (relative: string) => boolean; imageDir: string }): void {
  const destination = path.join(opts.imageDir, copy.destination);
  const intoFolder = copy.destination.endsWith('/') || copy.sources.length > 1;
  for (const source of copy.sources) {
    const relative = path.isAbsolute(source) ? path.relative(opts.sourceWorkdir ?? '/', source) : source;
    if (relative.startsWith('..')) throw new Error(`COPY line ${copy.line}: ${source} is outside the source stage's ${opts.sourceWorkdir}`);
    const from = path.join(opts.sourceDir, relative);
    if (!fs.existsSync(from)) throw new Error(`COPY line ${copy.line}: ${source} does not exist`);
    const ignored = opts.ignored ?? (() => false);
    if (fs.statSync(from).isDirectory()) {
      copyTree(from, destination, relative, ignored); // a folder's contents go into the destination
    } else {
      const target = intoFolder ? path.join(destination, path.basename(from)) : destination;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(from, target);
    }
  }
}

function copyTree(from: string, to: string, relative: string, ignored: (relative: string) => boolean): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const childRelative = path.posix.join(relative, entry.name);
    if (ignored(childRelative)) continue;
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyTree(source, path.join(to, entry.name), childRelative, ignored);
    else if (entry.isFile()) fs.copyFileSync(source, path.join(to, entry.name));
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), path.join(to, entry.name));
  }
}

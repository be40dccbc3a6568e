import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderTemplate, TemplateError } from './template-renderer';
import { TemplatePack } from './template-pack';

/** The target folder exists: init never writes into an existing folder. */
export class ProjectExistsError extends Error {
  constructor(readonly dir: string) {
    super(`${dir} already exists; init never overwrites a folder (choose another name or remove it)`);
    this.name = 'ProjectExistsError';
  }
}

export interface RenderedProject {
  /** File contents by relative path. */
  files: Map<string, string>;
  links: { path: string; target: string }[];
}

/** Renders every template of the pack (paths and contents) in memory: nothing is written yet. */
export function renderPack(pack: TemplatePack, values: Readonly<Record<string, string>>): RenderedProject {
  const files = new Map<string, string>();
  for (const [relative, source] of pack.files) {
    const target = renderTemplate(relative, values, relative);
    if (target.split('/').some((part) => part === '..' || part === '')) throw new TemplateError(relative, `renders to an unsafe path ${target}`);
    files.set(target, renderTemplate(fs.readFileSync(source, 'utf8'), values, `${pack.name}: ${relative}`));
  }
  const links = pack.links.map((link) => ({
    path: renderTemplate(link.path, values, `${pack.name}: links`),
    target: renderTemplate(link.target, values, `${pack.name}: links`),
  }));
  return { files, links };
}

/**
 * Writes a rendered project into `dir`, which must not exist (created with a plain mkdir, so two
 * runs cannot both write into it). Links are relative, so the folder can be moved as a whole.
 */
export function writeProject(dir: string, project: RenderedProject): void {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ProjectExistsError(dir);
    throw error;
  }
  try {
    for (const [relative, content] of project.files) {
      const file = path.join(dir, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content, { mode: relative.endsWith('.sh') ? 0o755 : 0o644 });
    }
    for (const link of project.links) {
      const at = path.join(dir, link.path);
      fs.mkdirSync(path.dirname(at), { recursive: true });
      fs.symlinkSync(link.target, at, 'dir');
    }
  } catch (error) {
    // The folder is ours (created above): a half-written project is removed, not left to confuse.
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

import { randomUUID } from 'crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { join, relative, resolve, sep } from 'path';
import type { ModelEntry, ModelLanguage } from '../config/model-entry';
import { ArchiveFile, InvalidModelArchiveError, writeArchiveFiles } from './model-archive';

/** What an upload says about its model (the form fields of the multipart request). */
export interface UploadedModelFields {
  id: string;
  name: string;
  cruncherId: string;
  cruncherName: string;
  /** Detected from the files when absent. */
  language?: ModelLanguage;
  desiredState: 'RUNNING' | 'STOPPED';
}

interface StoredUpload {
  id: string;
  name: string;
  cruncher_id: string;
  cruncher_name: string;
  language: ModelLanguage;
  desired_state: 'RUNNING' | 'STOPPED';
  /** Relative to the uploads folder. */
  code_dir: string;
  uploaded_at: string;
}

interface UploadsFile {
  models: StoredUpload[];
  /** desired_state set through the API for models of the models config file (it wins over the file). */
  desired_states: Record<string, 'RUNNING' | 'STOPPED'>;
}

/** The entry files the runners look for first (deployment/runners): a submission needs one. */
const JS_ENTRY = /^(index|main|model|tracker)\.(js|cjs|mjs|ts)$/;

/**
 * Which runner an upload needs, from its top-level files: a Python module or package, or a JS/TS
 * entry file (index, main, model or tracker). Refuses an archive with neither (no entry point), or
 * with both and no `language` to choose.
 */
export function detectLanguage(files: readonly ArchiveFile[], declared?: ModelLanguage): ModelLanguage {
  const top = files.map((f) => f.path.split('/'));
  const python = top.some((parts) => (parts.length === 1 && parts[0].endsWith('.py')) || (parts.length === 2 && parts[1] === '__init__.py'));
  const jsEntries = top.filter((parts) => parts.length === 1 && JS_ENTRY.test(parts[0])).map((parts) => parts[0]);
  const found: ModelLanguage[] = [];
  if (python) found.push('python');
  if (jsEntries.some((name) => name.endsWith('.ts'))) found.push('typescript');
  if (jsEntries.some((name) => !name.endsWith('.ts'))) found.push('javascript');
  if (declared !== undefined) {
    if (!found.includes(declared)) throw new InvalidModelArchiveError(`missing entry point: language is ${declared} but the archive has no ${declared === 'python' ? 'top-level .py module or package' : `top-level index/main/model/tracker .${declared === 'typescript' ? 'ts' : 'js'} file`}`);
    return declared;
  }
  if (found.length === 0) throw new InvalidModelArchiveError('missing entry point: the archive has no top-level .py module or package, and no index/main/model/tracker .js or .ts file');
  if (found.length > 1) throw new InvalidModelArchiveError(`the archive has entry files for ${found.join(' and ')}: say which with the language field`);
  return found[0];
}

/**
 * Models uploaded through the orchestrator API: their code under `dir/<id>/<version>/` and their
 * entries in `dir/uploads.json` (written whole, through a temporary file and a rename, so a crash
 * leaves the old file or the new one). Also keeps the desired state the API set for models of the
 * models config file.
 *
 * @example
 *   const uploads = new UploadedModels('data/uploaded-models');
 *   uploads.store(fields, files); // then the orchestrator re-applies uploads.entries()
 */
export class UploadedModels {
  private readonly dir: string;
  private state: UploadsFile;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.state = this.load();
  }

  get folder(): string {
    return this.dir;
  }

  /** The uploaded models as models config entries (code paths absolute). */
  entries(): ModelEntry[] {
    return this.state.models.map((m) => ({
      id: m.id,
      name: m.name,
      cruncherId: m.cruncher_id,
      cruncherName: m.cruncher_name,
      desiredState: m.desired_state,
      codePath: join(this.dir, m.code_dir),
      language: m.language,
      isolation: 'process',
      walletPubkey: '',
      hotkey: null,
    }));
  }

  has(id: string): boolean {
    return this.state.models.some((m) => m.id === id);
  }

  uploadedAt(id: string): string | null {
    return this.state.models.find((m) => m.id === id)?.uploaded_at ?? null;
  }

  /** desired_state set through the API for a model of the models config file, if any. */
  desiredStateOverride(id: string): 'RUNNING' | 'STOPPED' | undefined {
    return this.state.desired_states[id];
  }

  /**
   * Writes the files as a new version of the model's code and records it; returns the folder of the
   * version it replaced (to delete once the new one is deployed), or null.
   */
  store(fields: UploadedModelFields, files: readonly ArchiveFile[], language: ModelLanguage, now = new Date()): string | null {
    const version = `v${now.getTime()}-${randomUUID().slice(0, 8)}`;
    const modelDir = this.modelDir(fields.id);
    const incoming = join(modelDir, `.incoming-${version}`);
    mkdirSync(incoming, { recursive: true });
    try {
      writeArchiveFiles(incoming, files);
      renameSync(incoming, join(modelDir, version));
    } catch (error) {
      rmSync(incoming, { recursive: true, force: true });
      throw error;
    }
    const previous = this.state.models.find((m) => m.id === fields.id);
    const stored: StoredUpload = {
      id: fields.id,
      name: fields.name,
      cruncher_id: fields.cruncherId,
      cruncher_name: fields.cruncherName,
      language,
      desired_state: fields.desiredState,
      code_dir: relative(this.dir, join(modelDir, version)).split(sep).join('/'),
      uploaded_at: now.toISOString(),
    };
    this.save({ ...this.state, models: [...this.state.models.filter((m) => m.id !== fields.id), stored] });
    return previous ? join(this.dir, previous.code_dir) : null;
  }

  setDesiredState(id: string, desired: 'RUNNING' | 'STOPPED', fromConfigFile: boolean): void {
    if (fromConfigFile) {
      this.save({ ...this.state, desired_states: { ...this.state.desired_states, [id]: desired } });
      return;
    }
    this.save({ ...this.state, models: this.state.models.map((m) => (m.id === id ? { ...m, desired_state: desired } : m)) });
  }

  /** Forgets an uploaded model; its code folder is deleted by `deleteCode` once it is stopped. */
  remove(id: string): void {
    const { [id]: _dropped, ...desired_states } = this.state.desired_states;
    this.save({ models: this.state.models.filter((m) => m.id !== id), desired_states });
  }

  /** Deletes a model's code (a folder this registry created, never anything outside it). */
  deleteCode(path: string): void {
    const target = resolve(path);
    if (!target.startsWith(this.dir + sep)) throw new Error(`refusing to delete ${target}: not under ${this.dir}`);
    rmSync(target, { recursive: true, force: true });
  }

  modelDir(id: string): string {
    return join(this.dir, id);
  }

  private load(): UploadsFile {
    const file = join(this.dir, 'uploads.json');
    if (!existsSync(file)) return { models: [], desired_states: {} };
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<UploadsFile>;
    return { models: Array.isArray(parsed.models) ? parsed.models : [], desired_states: parsed.desired_states ?? {} };
  }

  private save(next: UploadsFile): void {
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, 'uploads.json');
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(next, null, 2));
    renameSync(temporary, file);
    this.state = next;
  }
}

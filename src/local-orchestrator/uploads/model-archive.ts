import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join, posix } from 'path';
import { Parser, ReadEntry } from 'tar';
import * as yauzl from 'yauzl';

/** Bounds on what an uploaded archive may unpack to (a small archive can expand enormously). */
export interface ArchiveLimits {
  maxFiles: number;
  maxUnpackedBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxFiles: 5_000, maxUnpackedBytes: 200 * 1024 * 1024 };

export type ArchiveKind = 'zip' | 'tar' | 'tar.gz';

/** The upload is not an archive we unpack, or an entry of it is refused. Answered as a 400. */
export class InvalidModelArchiveError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidModelArchiveError';
  }
}

/** zip (PK\x03\x04, or PK\x05\x06 for an empty one), gzip (a tar.gz), or a POSIX tar ("ustar" at 257). */
export function archiveKind(bytes: Buffer): ArchiveKind {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05)) return 'zip';
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'tar.gz';
  if (bytes.length >= 262 && bytes.toString('latin1', 257, 262) === 'ustar') return 'tar';
  throw new InvalidModelArchiveError('the upload is not a zip, tar or tar.gz archive');
}

/**
 * Checks an entry's name and returns the relative path it is written to, or null for a folder.
 * Refused: absolute paths, drive letters, `..` segments, backslashes, NUL and other controls.
 */
export function safeEntryPath(name: string): string | null {
  if (name.includes('\\')) throw new InvalidModelArchiveError(`entry "${printable(name)}": backslashes are not allowed in archive paths`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new InvalidModelArchiveError(`entry "${printable(name)}": control characters are not allowed in archive paths`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new InvalidModelArchiveError(`entry "${printable(name)}": absolute paths are not allowed`);
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) throw new InvalidModelArchiveError(`entry "${printable(name)}": ".." would write outside the model folder`);
  if (parts.length === 0) return null;
  return posix.join(...parts);
}

/** A file of the archive, read into memory (limits keep this bounded). */
export interface ArchiveFile {
  path: string;
  data: Buffer;
  /** The entry's permission bits (0o755 for executables); symlinks and devices never get here. */
  mode: number;
}

/**
 * Reads every regular file of the archive, validating each path and type (symbolic and hard links,
 * devices and FIFOs are refused) and the limits, without touching the disk.
 *
 * @example
 *   const files = await readModelArchive(buffer); // [{ path: 'main.py', data, mode: 0o644 }]
 */
export async function readModelArchive(bytes: Buffer, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<ArchiveFile[]> {
  const kind = archiveKind(bytes);
  const budget = new UnpackBudget(limits);
  const files = kind === 'zip' ? await readZip(bytes, budget) : await readTar(bytes, budget);
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new InvalidModelArchiveError(`entry "${file.path}" appears twice`);
    seen.add(file.path);
  }
  return files;
}

/** Writes the files under `dir` (which must be new and empty); every path was checked by readModelArchive. */
export function writeArchiveFiles(dir: string, files: readonly ArchiveFile[]): void {
  for (const file of files) {
    const target = join(dir, ...file.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.data, { mode: file.mode & 0o755, flag: 'wx' });
  }
}

/**
 * An archive of one folder (`my-model/main.py`, the usual "compress this folder") is unpacked as
 * that folder's content.
 */
export function stripCommonFolder(files: ArchiveFile[]): ArchiveFile[] {
  if (files.length === 0) return files;
  const first = files[0].path.split('/')[0];
  if (!files.every((f) => f.path.includes('/') && f.path.split('/')[0] === first)) return files;
  return files.map((f) => ({ ...f, path: f.path.slice(first.length + 1) }));
}

class UnpackBudget {
  private files = 0;
  private bytes = 0;
  constructor(private readonly limits: ArchiveLimits) {}

  file(path: string): void {
    if (++this.files > this.limits.maxFiles) throw new InvalidModelArchiveError(`the archive holds more than ${this.limits.maxFiles} files`);
    void path;
  }

  bytesOf(length: number): void {
    this.bytes += length;
    if (this.bytes > this.limits.maxUnpackedBytes) throw new InvalidModelArchiveError(`the archive unpacks to more than ${this.limits.maxUnpackedBytes} bytes`);
  }
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

async function readZip(bytes: Buffer, budget: UnpackBudget): Promise<ArchiveFile[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch (error) {
    throw new InvalidModelArchiveError(`not a readable zip archive (${(error as Error).message})`);
  }
  const files: ArchiveFile[] = [];
  try {
    for (;;) {
      const entry = await nextZipEntry(zip);
      if (entry === null) return files;
      const path = safeEntryPath(entry.fileName);
      // Unix permission bits live in the high half of the external attributes (zero from DOS tools).
      const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
      const type = unixMode & S_IFMT;
      const isDirectory = entry.fileName.endsWith('/') || type === S_IFDIR;
      if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw new InvalidModelArchiveError(`entry "${printable(entry.fileName)}": links and special files are not allowed`);
      if (isDirectory || path === null) continue;
      if (entry.isEncrypted()) throw new InvalidModelArchiveError(`entry "${printable(entry.fileName)}" is encrypted`);
      budget.file(path);
      budget.bytesOf(entry.uncompressedSize);
      const data = await readZipEntry(zip, entry);
      files.push({ path, data, mode: unixMode & 0o777 ? unixMode & 0o777 : 0o644 });
    }
  } catch (error) {
    if (error instanceof InvalidModelArchiveError) throw error;
    throw new InvalidModelArchiveError(`not a readable zip archive (${(error as Error).message})`);
  } finally {
    zip.close();
  }
}

function nextZipEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(null));
    const onError = (error: Error) => (cleanup(), reject(error));
    zip.once('entry', onEntry);
    zip.once('end', onEnd);
    zip.once('error', onError);
    zip.readEntry();
  });
}

async function readZipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readTar(bytes: Buffer, budget: UnpackBudget): Promise<ArchiveFile[]> {
  const files: ArchiveFile[] = [];
  let refusal: Error | undefined;
  const pending: Promise<void>[] = [];
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      if (refusal) return entry.resume();
      try {
        const path = safeEntryPath(entry.path);
        if (entry.type === 'Directory' || path === null) return entry.resume();
        // Extended headers (pax, GNU long names) are applied by the parser; anything else that is not a file is refused.
        if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
          throw new InvalidModelArchiveError(`entry "${printable(entry.path)}": ${entry.type} entries (links, devices) are not allowed`);
        }
        budget.file(path);
        budget.bytesOf(entry.size ?? 0);
        const chunks: Buffer[] = [];
        pending.push(
          new Promise<void>((resolve) => {
            entry.on('data', (chunk: Buffer) => chunks.push(chunk));
            entry.on('end', () => {
              files.push({ path, data: Buffer.concat(chunks), mode: (entry.mode ?? 0o644) & 0o777 });
              resolve();
            });
          }),
        );
      } catch (error) {
        refusal = error as Error;
        entry.resume();
      }
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', (error: Error) => reject(new InvalidModelArchiveError(`not a readable tar archive (${error.message})`)));
    parser.on('warn', (code: string, message: string | Error) => {
      // strict mode turns these into errors; a warning left here is about a malformed header
      if (code !== 'TAR_ENTRY_INFO') refusal ??= new InvalidModelArchiveError(`not a readable tar archive (${typeof message === 'string' ? message : message.message})`);
    });
    parser.on('end', () => resolve());
    parser.end(bytes);
  });
  await Promise.all(pending);
  if (refusal) throw refusal;
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function printable(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 200);
}

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { FeedError } from '../feed.errors';
import type { Feed, FeedRecord } from '../feed';

/** Reads one file into records (logging its own bad lines). */
export type FileReader = (file: string) => Promise<FeedRecord[]>;

interface CachedFile {
  mtimeMs: number;
  size: number;
  records: FeedRecord[];
}

/**
 * A file, or a folder where files are dropped over time: each `records()` call lists the folder
 * again, reads new or changed files, and keeps the records of unchanged ones.
 *
 * @example
 *   const drop = new FileDrop('csv', './data/prices', '.csv', readCsv);
 *   const records = await drop.records(); // every record of every file, new files included
 */
export class FileDrop {
  private readonly cache = new Map<string, CachedFile>();
  private readonly logger: Logger;

  constructor(
    private readonly source: string,
    private readonly location: string,
    private readonly extension: string,
    private readonly read: FileReader,
  ) {
    this.logger = new Logger(`Feed:${source}`);
  }

  async records(): Promise<FeedRecord[]> {
    const files = await this.files();
    for (const gone of [...this.cache.keys()].filter((f) => !files.includes(f))) this.cache.delete(gone);
    const out: FeedRecord[] = [];
    for (const file of files) {
      const cached = await this.load(file);
      if (cached) for (const record of cached.records) out.push(record);
    }
    return out;
  }

  private async files(): Promise<string[]> {
    let stat;
    try {
      stat = await fs.stat(this.location);
    } catch (err) {
      throw new FeedError(this.source, `cannot read ${this.location}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (!stat.isDirectory()) return [this.location];
    const names = await fs.readdir(this.location);
    return names
      .filter((n) => n.toLowerCase().endsWith(this.extension) && !n.startsWith('.'))
      .sort()
      .map((n) => path.join(this.location, n));
  }

  private async load(file: string): Promise<CachedFile | undefined> {
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      return undefined; // removed between listing and reading
    }
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
    try {
      const fresh = { mtimeMs: stat.mtimeMs, size: stat.size, records: await this.read(file) };
      this.cache.set(file, fresh);
      if (!cached) this.logger.log(`source ${this.source}: read ${fresh.records.length} records from new file ${file}`);
      return fresh;
    } catch (err) {
      this.logger.warn(`source ${this.source}: skipped file ${file}: ${(err as Error).message}`);
      return cached;
    }
  }
}

/** A feed over a file drop: ranges are answered from the records of all files, sorted by time. */
export function fileDropFeed(drop: FileDrop): Feed {
  return {
    async listSubjects() {
      return [...new Set((await drop.records()).map((r) => r.subject))].sort();
    },
    async fetchRange(subject: string, fromMs: number, toMs: number) {
      const records = (await drop.records()).filter((r) => r.subject === subject && r.ts >= fromMs && r.ts <= toMs);
      return records.sort((a, b) => a.ts - b.ts);
    },
  };
}

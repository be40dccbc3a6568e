import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandIo } from '../../../src/cli/command-io';
import { runInit } from '../../../src/cli/init/init.command';
import { Prompter } from '../../../src/cli/init/prompter';

export interface InitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `coordinator-node init` in `cwd` with captured output (no terminal unless a prompter is given). */
export async function runInitIn(cwd: string, args: string[], prompter: Prompter | null = null): Promise<InitRun> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: {} };
  const code = await runInit(args, io, { prompter });
  return { code, stdout, stderr };
}

export function temporaryDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A prompter that replies from a script and records what was asked. */
export class ScriptedPrompter implements Prompter {
  readonly asked: { prompt: string; defaultText: string | undefined }[] = [];
  readonly notes: string[] = [];

  constructor(private readonly replies: string[]) {}

  async ask(prompt: string, defaultText: string | undefined): Promise<string> {
    this.asked.push({ prompt, defaultText });
    const reply = this.replies.shift() ?? '';
    return reply === '' && defaultText !== undefined ? defaultText : reply;
  }

  note(text: string): void {
    this.notes.push(text);
  }

  close(): void {}
}

/** Every file of a folder (relative paths), links followed once. */
export function listFiles(dir: string, relative = ''): string[] {
  return fs.readdirSync(path.join(dir, relative), { withFileTypes: true }).flatMap((entry) => {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) return [rel];
    return entry.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

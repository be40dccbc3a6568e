import { createInterface, Interface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';

/** Asks one question and returns the reply, or the default when the reply is empty. */
export interface Prompter {
  ask(prompt: string, defaultText: string | undefined): Promise<string>;
  /** Shown between questions (a rejected reply's reason). */
  note(text: string): void;
  close(): void;
}

/** Prompts on a terminal with Node's readline (only used when stdin is a TTY). */
export class ReadlinePrompter implements Prompter {
  private readonly rl: Interface;

  constructor(
    input: Readable,
    private readonly output: Writable,
  ) {
    this.rl = createInterface({ input, output, terminal: false });
  }

  async ask(prompt: string, defaultText: string | undefined): Promise<string> {
    const reply = (await this.rl.question(defaultText === undefined ? `${prompt}: ` : `${prompt} [${defaultText}]: `)).trim();
    return reply === '' && defaultText !== undefined ? defaultText : reply;
  }

  note(text: string): void {
    this.output.write(`${text}\n`);
  }

  close(): void {
    this.rl.close();
  }
}

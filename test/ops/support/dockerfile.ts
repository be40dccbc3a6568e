import * as fs from 'node:fs';

/** One `COPY` line: its sources (relative to the build context, or to `from`'s filesystem) and destination. */
export interface DockerCopy {
  from?: string;
  sources: string[];
  destination: string;
  line: number;
}

/** One stage of a multi-stage Dockerfile, in the terms the tests need. */
export interface DockerStage {
  name: string;
  image: string;
  workdir: string;
  env: Record<string, string>;
  copies: DockerCopy[];
  runs: string[];
  /** CMD in exec form. */
  cmd: string[];
}

/** A Dockerfile's instructions, each on one logical line (continuations joined, comment lines dropped). */
function instructions(text: string): { keyword: string; args: string; line: number }[] {
  const out: { keyword: string; args: string; line: number }[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) return;
    if (pending === '') start = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    pending += line;
    const match = /^(\w+)\s+([\s\S]*)$/.exec(pending.trim());
    if (match) out.push({ keyword: match[1].toUpperCase(), args: match[2].trim(), line: start });
    pending = '';
  });
  return out;
}

/** `ENV A=1 B="two"` (and the legacy `ENV A 1`). */
function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  if (!args.includes('=')) {
    const [name, ...value] = args.split(/\s+/);
    pairs[name] = value.join(' ');
    return pairs;
  }
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    pairs[match[1]] = match[2].startsWith('"') ? (JSON.parse(match[2]) as string) : match[2];
  }
  return pairs;
}

/**
 * The stages of `file`, in order.
 *
 * @example
 *   const runtime = dockerStages('Dockerfile').find((s) => s.name === 'runtime');
 */
export function dockerStages(file: string): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const { keyword, args, line } of instructions(fs.readFileSync(file, 'utf8'))) {
    if (keyword === 'FROM') {
      const match = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`${file}:${line}: cannot read FROM ${args}`);
      stages.push({ name: match[2] ?? String(stages.length), image: match[1], workdir: '/', env: {}, copies: [], runs: [], cmd: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) throw new Error(`${file}:${line}: ${keyword} before FROM`);
    switch (keyword) {
      case 'WORKDIR':
        stage.workdir = args;
        break;
      case 'ENV':
        Object.assign(stage.env, envPairs(args));
        break;
      case 'RUN':
        stage.runs.push(args);
        break;
      case 'CMD':
        stage.cmd = JSON.parse(args) as string[];
        break;
      case 'COPY': {
        const words = args.split(/\s+/);
        const flags = words.filter((w) => w.startsWith('--'));
        const paths = words.filter((w) => !w.startsWith('--'));
        const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
        if (paths.length < 2) throw new Error(`${file}:${line}: COPY needs a source and a destination`);
        stage.copies.push({ from, sources: paths.slice(0, -1), destination: paths[paths.length - 1], line });
        break;
      }
    }
  }
  return stages;
}

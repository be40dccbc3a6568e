#!/usr/bin/env node
'use strict';
/**
 * `npx coordinator-node <command> [flags]`: dispatches to a sub-command compiled into dist/.
 *
 * Adding a command = one file + one line: write src/<module>/.../<name>.command.ts exporting
 * `run(args: string[], io: CommandIo): Promise<number>` (see src/cli/command-io.ts),
 * then add its compiled path to COMMANDS below.
 *
 * dist/ is what `npm run build` writes (tsconfig.build.json: src/ -> dist/src/). When the
 * command's compiled file is missing (a fresh clone after `npm ci`), this builds it once with
 * the project's TypeScript; after editing sources, `npm run build` refreshes it.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const COMMANDS = {
  init: { file: 'dist/src/cli/init/init.command.js', summary: 'design a competition: write a new project (competition.yaml, models.yaml, example models, Python and TypeScript packages) from a template pack' },
  rewards: { file: 'dist/src/rewards/cli/rewards.command.js', summary: 'preview payouts from a leaderboard JSON (live game shape)' },
  checkpoint: { file: 'dist/src/rewards/cli/checkpoint.command.js', summary: 'list, show, set the pool of, and move reward checkpoints' },
  prices: { file: 'dist/src/cli/prices/prices.command.js', summary: 'download stored prices of a range from a running node (CSV or Parquet) to train and backtest on' },
  backup: { file: 'dist/src/cli/backup/backup.command.js', summary: 'back up the database (embedded: PGlite dump; server: pg_dump) to --out FILE' },
  restore: { file: 'dist/src/cli/backup/restore.command.js', summary: 'restore a backup from --in FILE into an empty database' },
  rescore: { file: 'dist/src/score/rescore/cli/rescore.command.js', summary: 'rescore a time range with the current scorer (scores, windows, snapshots, leaderboards), resumably' },
  check: { file: 'dist/src/cli/check/check.command.js', summary: 'before going live: run the competition briefly on synthetic prices with its example models and two reference models, and warn on a degenerate game' },
  replay: { file: 'dist/src/replay/cli/replay.command.js', summary: 'run a whole competition over a range of history on a virtual clock (backtest), or compare two variants' },
};

const ROOT = path.resolve(__dirname, '..');

function usage() {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `usage: coordinator-node <command> [flags]   (coordinator-node <command> --help)\ncommands:\n${lines.join('\n')}\n`;
}

function ensureBuilt(file) {
  if (fs.existsSync(file)) return true;
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  } catch {
    process.stderr.write(`coordinator-node: ${path.relative(ROOT, file)} is missing and TypeScript is not installed: run \`npm ci && npm run build\`\n`);
    return false;
  }
  process.stderr.write('coordinator-node: dist/ is not built yet, running `tsc -p tsconfig.build.json` once...\n');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0 || !fs.existsSync(file)) {
    process.stderr.write('coordinator-node: the build failed (see above); fix it or run `npm run build`\n');
    return false;
  }
  return true;
}

async function main(argv) {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    process.stderr.write(`coordinator-node: unknown command "${String(name).slice(0, 40)}"\n${usage()}`);
    return 2;
  }
  const file = path.join(ROOT, command.file);
  if (!ensureBuilt(file)) return 1;
  const io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd(), env: process.env };
  return require(file).run(args, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`coordinator-node: ${(error && error.message ? error.message : String(error)).split('\n')[0]}\n`);
    process.exitCode = 1;
  },
);

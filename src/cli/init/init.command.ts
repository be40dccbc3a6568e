import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { loadCompetitionFile, parseCompetitionDefinition } from '../../config/competition/competition.loader';
import { CommandIo } from '../command-io';
import { collectAnswers } from './answers-collector';
import { readAnswersFile } from './answers-file';
import { InitArguments, INIT_USAGE, InitUsageError, parseInitArguments } from './init-arguments';
import { InvalidProjectNameError, ProjectNames, projectNames } from './project-name';
import { Prompter, ReadlinePrompter } from './prompter';
import { ProjectExistsError, renderPack, writeProject } from './project-writer';
import { listPacks, loadPack, locateTemplatesDir, TemplatePackError } from './template-pack';
import { templateValues } from './template-values';

const DEFAULT_PACK = 'realtime';

export interface InitOptions {
  /** Asks the questions not answered; null when stdin is not a terminal (never prompt then). */
  prompter: Prompter | null;
  templatesDir?: string;
}

/**
 * `coordinator-node init [NAME]`: walks the design checklist (prompts on a terminal, or flags /
 * `--answers FILE` / `--yes`) and writes a new project folder from a template pack.
 * Exit codes: 0 written, 2 bad name, answer, flag or existing folder, 1 could not write.
 *
 * @example
 *   npx coordinator-node init demo-game --pack realtime --yes
 */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const prompter = process.stdin.isTTY ? new ReadlinePrompter(process.stdin, process.stdout) : null;
  try {
    return await runInit(args, io, { prompter });
  } finally {
    prompter?.close();
  }
}

export async function runInit(args: string[], io: CommandIo, options: InitOptions): Promise<number> {
  try {
    const parsed = parseInitArguments(args);
    if (parsed.help) {
      io.stdout(INIT_USAGE);
      return 0;
    }
    const dir = await initProject(parsed, io, options);
    io.stdout(nextSteps(io.cwd, dir));
    return 0;
  } catch (error) {
    if (
      error instanceof InitUsageError ||
      error instanceof InvalidProjectNameError ||
      error instanceof ProjectExistsError ||
      error instanceof TemplatePackError ||
      error instanceof ConfigError
    ) {
      io.stderr(`coordinator-node init: ${error.message}\n`);
      return 2;
    }
    io.stderr(`coordinator-node init: ${(error as Error).message.split('\n')[0]}\n`);
    return 1;
  }
}

/** Answers, renders, checks the competition file with the coordinator's loader, then writes. */
async function initProject(parsed: InitArguments, io: CommandIo, options: InitOptions): Promise<string> {
  const templatesDir = options.templatesDir ?? locateTemplatesDir();
  const file = parsed.answersFile ? readAnswersFile(path.resolve(io.cwd, parsed.answersFile)) : {};
  const interactive = options.prompter !== null && !parsed.yes ? options.prompter : null;

  const given = parsed.name ?? stringAnswer(file.name, 'name');
  if (given === undefined && !interactive) throw new InitUsageError('missing answers: name (give NAME, or name: in --answers FILE)');
  const names = given !== undefined ? projectNames(given) : await askProjectName(interactive!);
  const dir = path.resolve(io.cwd, names.project);
  if (fs.existsSync(dir)) throw new ProjectExistsError(dir);

  const packName =
    parsed.pack ??
    stringAnswer(file.pack, 'pack') ??
    (interactive ? await interactive.ask(`Template pack (${listPacks(templatesDir).join(', ')})`, DEFAULT_PACK) : DEFAULT_PACK);
  const pack = loadPack(templatesDir, packName);

  const answers = await collectAnswers(
    { flags: parsed.flagAnswers, file, defaults: pack.defaults, asks: pack.asks },
    { prompter: interactive, yes: parsed.yes },
    { name: names.project, pack: pack.name },
  );
  const project = renderPack(pack, templateValues(answers, names));
  const competition = project.files.get('competition.yaml');
  if (competition === undefined) throw new TemplatePackError(`pack ${pack.name} has no competition.yaml`);
  // The models file (and a tournament's inputs folder) the competition names are written beside it:
  // check it without those keys before writing anything, then load the whole file once on disk.
  const { models: _models, ...definition } = parseYaml(competition) as Record<string, unknown>;
  const tournament = definition.tournament;
  if (tournament !== null && typeof tournament === 'object' && !Array.isArray(tournament)) {
    const { inputsFolder: _inputsFolder, ...rest } = tournament as Record<string, unknown>;
    definition.tournament = rest;
  }
  parseCompetitionDefinition(definition, `${names.project}/competition.yaml`);
  writeProject(dir, project);
  try {
    loadCompetitionFile(path.join(dir, 'competition.yaml'));
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

/** Asks for the project name until it is valid (a few attempts), showing why a reply was refused. */
async function askProjectName(prompter: Prompter): Promise<ProjectNames> {
  for (let attempt = 1; ; attempt++) {
    try {
      return projectNames(await prompter.ask('Project name (npm and PyPI package name)', undefined));
    } catch (error) {
      if (!(error instanceof InvalidProjectNameError) || attempt >= 5) throw error;
      prompter.note(`  ${error.message}`);
    }
  }
}

function stringAnswer(raw: unknown, key: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new InitUsageError(`invalid answer ${key}: expected text, got ${JSON.stringify(raw)}`);
  return raw;
}

function nextSteps(cwd: string, dir: string): string {
  const rel = path.relative(cwd, dir) || '.';
  return [
    `created ${rel}/ (competition.yaml, models.yaml, models/, python/, typescript/)`,
    'next:',
    `  npx coordinator-node check --competition ${rel}/competition.yaml`,
    `  COMPETITION_FILE=${rel}/competition.yaml npm start`,
    ...(fs.existsSync(path.join(dir, 'post-rounds.mjs')) ? [`  ADMIN_API_KEY=<an admin key's secret> node ${rel}/post-rounds.mjs      (a tournament: posts two rounds and their truths)`] : []),
    `  (cd ${rel}/python && python3 -m unittest)      (cd ${rel}/typescript && node --test test/)`,
    `  see ${rel}/README.md`,
    '',
  ].join('\n');
}

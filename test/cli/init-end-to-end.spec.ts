import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { WireType } from '../../src/config/competition/competition.types';
import { readModelsConfig } from '../../src/local-orchestrator/config/models-config-file';
import { LocalOrchestrator } from '../../src/local-orchestrator/local-orchestrator';
import { SILENT_LOGGER } from '../../src/local-orchestrator/orchestrator-logger';
import { checkPredictionOutput } from '../../src/predict/round/prediction-output';
import { decodeVariant, TestModelClient, Variant, variant } from '../local-orchestrator/support/model-runner-test-client';
import { listPacks, locateTemplatesDir } from '../../src/cli/init/template-pack';
import { runInitIn, temporaryDir } from './support/init-runner';

/** A seeded random walk per asset at the feed's granularity: what a tick carries after a join. */
function priceHistory(assets: string[], granularity: number, seconds: number): Record<string, [number, number][]> {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
  const t0 = 1_700_000_000;
  return Object.fromEntries(
    assets.map((asset, i) => {
      let price = 100 * (i + 1);
      return [asset, Array.from({ length: seconds / granularity }, (_, k) => [t0 + k * granularity, (price *= Math.exp(0.002 * random()))] as [number, number])];
    }),
  );
}

function typed(type: WireType, value: string | number): Variant {
  switch (type) {
    case 'STRING':
      return variant.string(String(value));
    case 'INT':
      return variant.int(Number(value));
    case 'DOUBLE':
      return variant.double(Number(value));
    default:
      throw new Error(`no sample value of type ${type}`);
  }
}

/** Every pack with its defaults, and one answer set far from them (point forecasts, another argument order and type). */
const PROJECTS: [string, string[]][] = [
  ...listPacks(locateTemplatesDir()).map((pack): [string, string[]] => [pack, []]),
  ['realtime', ['--output', 'vector', '--scorer', 'mae', '--predict-args', 'step,asset,horizon,interval:DOUBLE']],
];

describe.each(PROJECTS)('a project generated from the %s pack %j, on the local orchestrator', (pack, flags) => {
  const orchestrator = new LocalOrchestrator();
  const clients: TestModelClient[] = [];
  let projectDir = '';

  beforeAll(async () => {
    const cwd = temporaryDir('init-e2e-');
    const result = await runInitIn(cwd, ['demo-game', '--pack', pack, '--yes', ...flags]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    projectDir = path.join(cwd, 'demo-game');
  });

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await orchestrator.stop();
  });

  it('runs both example models: Setup, one tick and one predict per configuration (a tournament: one predict of a round), each answer stored as SUCCESS', async () => {
    const competition = loadCompetitionFile(path.join(projectDir, 'competition.yaml'));
    const modelsConfig = path.join(projectDir, 'models.yaml');
    // The competition file names its models, so COMPETITION_FILE is the only setting npm start needs.
    expect(competition.models).toBe(path.resolve(modelsConfig));
    const { entries, problems } = readModelsConfig(modelsConfig);
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.language).sort()).toEqual(['python', 'typescript']);

    await orchestrator.start({
      crunchId: competition.id,
      wsPort: 0,
      modelsConfigPath: modelsConfig,
      baseClassName: competition.model.baseClass,
      rescanIntervalMs: 0,
      logger: SILENT_LOGGER,
    });
    const deadline = Date.now() + 20_000;
    while (orchestrator.statuses().filter((s) => s.port).length < 2) {
      if (Date.now() > deadline) throw new Error(`models not running: ${JSON.stringify(orchestrator.statuses())}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const answers = new Map<string, string>();
    const history = priceHistory(competition.feed.subjects, competition.feed.granularity, 3600);
    for (const entry of entries) {
      const client = new TestModelClient(orchestrator.statuses().find((s) => s.modelId === entry.id)!.port!);
      clients.push(client);
      expect({ model: entry.name, setup: (await client.setup(competition.model.baseClass)).status }).toMatchObject({ setup: { code: 'SUCCESS' } });
      if (competition.tournament) {
        // A tournament's models get no ticks: predict(inputs) with a round's inputs (the pack's example round).
        const inputs = JSON.parse(fs.readFileSync(path.join(competition.tournament.inputsFolder!, 'example-round.json'), 'utf8')) as { features: number[][] };
        const answer = await client.call(competition.model.predict.method, [variant.json(JSON.stringify(inputs))]);
        expect({ model: entry.name, status: answer.status }).toMatchObject({ status: { code: 'SUCCESS' } });
        const check = checkPredictionOutput(JSON.parse(decodeVariant(answer.methodResponse) as string), { kind: competition.model.output.kind, expectedLength: 1, maxBytes: competition.model.maxPredictionBytes });
        expect(check.ok && (JSON.parse(check.json) as number[]).length).toBe(inputs.features.length);
        if (check.ok) answers.set(`${entry.name} round`, check.json);
        continue;
      }
      const tick = await client.call(competition.model.tick.method, [variant.json(JSON.stringify(history))]);
      expect({ model: entry.name, tick: tick.status }).toMatchObject({ tick: { code: 'SUCCESS' } });

      for (const config of competition.predictions) {
        const values: Record<string, string | number> = { asset: config.asset, horizon: config.horizon, step: config.step, interval: config.interval };
        const answer = await client.call(
          competition.model.predict.method,
          competition.model.predict.args.map((arg) => typed(arg.type, values[arg.name])),
        );
        expect({ model: entry.name, config, status: answer.status }).toMatchObject({ status: { code: 'SUCCESS' } });
        const check = checkPredictionOutput(JSON.parse(decodeVariant(answer.methodResponse) as string), {
          kind: competition.model.output.kind,
          expectedLength: config.horizon / config.step,
          maxBytes: competition.model.maxPredictionBytes,
        });
        expect({ model: entry.name, config, check: check.ok ? 'ok' : check.reason }).toEqual({ model: entry.name, config, check: 'ok' });
        if (check.ok) answers.set(`${entry.name} ${config.asset}-${config.horizon}-${config.step}`, check.json);
      }
    }
    // The two examples answer differently, so a leaderboard can rank them apart.
    const [first] = competition.predictions;
    const key = competition.tournament ? 'round' : `${first.asset}-${first.horizon}-${first.step}`;
    if (competition.model.output.kind === 'distributions') expect(answers.get(`example-python ${key}`)).toContain('"norm"');
    expect(answers.get(`example-python ${key}`)).not.toEqual(answers.get(`example-typescript ${key}`));
  });
});

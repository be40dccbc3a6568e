import { decodeVariant, variant } from './support/model-runner-test-client';
import { modelDir } from './support/models-config-fixture';
import { OrchestratorFixture } from './support/orchestrator-fixture';

const BASE_CLASS = 'crunch_synth.tracker.TrackerBase';
const T0 = 1_700_000_000;

interface Density {
  type: string;
  step?: number;
  components: { weight: number; density: { params: { loc: number; scale: number } } }[];
}

/** Two days of one-minute BTC closes: a deterministic wiggle around 50 000 (about 20 per minute). */
function twoDaysOfMinutes(): [number, number][] {
  return Array.from({ length: 2 * 1440 }, (_, i) => [T0 + 60 * i, 50_000 + 400 * Math.sin(i / 20) + 15 * Math.sin(i * 1.7)]);
}

const EXAMPLES = [
  ['synth-python-tracker', 'python'],
  ['synth-ts-tracker', 'typescript'],
] as const;

describe('example Synth trackers (deployment/models/synth-*)', () => {
  const fixture = new OrchestratorFixture();

  beforeAll(async () => {
    await fixture.start(
      EXAMPLES.map(([folder, language]) => ({ id: folder, code_path: modelDir(`models/${folder}`), language })),
      { baseClassName: BASE_CLASS },
    );
    for (const [folder] of EXAMPLES) {
      const client = fixture.client(folder);
      expect((await client.setup(BASE_CLASS)).status.code).toBe('SUCCESS');
      const ticked = await client.call('tick', [variant.json(JSON.stringify({ BTC: twoDaysOfMinutes() }))]);
      expect(ticked.status.code).toBe('SUCCESS');
    }
  });

  afterAll(() => fixture.stop());

  async function predictAll(folder: string, horizon: number, steps: number[]): Promise<Record<string, Density[]>> {
    const answer = await fixture.client(folder).call('predict_all', [variant.string('BTC'), variant.int(horizon), variant.json(JSON.stringify(steps))]);
    expect(answer.status.code).toBe('SUCCESS');
    return JSON.parse(decodeVariant(answer.methodResponse) as string);
  }

  describe.each(EXAMPLES)('%s (%s)', (folder) => {
    it('answers predict_all for the 24h profile with horizon/step mixtures keyed by step strings', async () => {
      const answer = await predictAll(folder, 86400, [300, 3600, 21600, 86400]);
      expect(Object.keys(answer)).toEqual(['300', '3600', '21600', '86400']);
      expect(Object.values(answer).map((densities) => densities.length)).toEqual([288, 24, 4, 1]);
      expect(answer['300'][1]).toMatchObject({ type: 'mixture', step: 600 });
      expect(answer['300'][0].components.map((component) => component.weight)).toEqual([0.8, 0.2]);
    });

    it("reads self.prices at each step's resolution: wider densities for longer steps", async () => {
      const answer = await predictAll(folder, 3600, [60, 300, 900, 1800, 3600]);
      const scales = Object.values(answer).map((densities) => densities[0].components[0].density.params.scale);
      expect(scales).toHaveLength(5);
      scales.slice(1).forEach((scale, i) => expect(scale).toBeGreaterThan(scales[i]));
      expect(scales[0]).toBeGreaterThan(1); // BTC moves by dollars a minute in this history, not by a relative prior
      expect(Number(scales[0].toPrecision(6))).toBe(scales[0]); // rounded to 6 significant digits by predict_all
    });
  });

  it('gives the same answers in Python and in TypeScript (one API, one model)', async () => {
    for (const [horizon, steps] of [
      [3600, [60, 300, 900, 1800, 3600]],
      [86400, [300, 3600, 21600, 86400]],
    ] as const) {
      const [python, typescript] = await Promise.all(EXAMPLES.map(([folder]) => predictAll(folder, horizon, [...steps])));
      expect(typescript).toEqual(python);
    }
  });
});

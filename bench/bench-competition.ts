import * as path from 'node:path';
import { loadCompetitionFile } from '../src/config/competition/competition.loader';
import type { CompetitionDefinition, PredictionConfigDefinition } from '../src/config/competition/competition.types';

/**
 * The reference competition (competitions/condorgame.yaml: density-pdf, batch-min penalty,
 * 1/3/7-day windows) under the id `bench`, with the benchmark's own prediction configs.
 */
export function benchCompetition(predictions: PredictionConfigDefinition[]): CompetitionDefinition {
  const reference = loadCompetitionFile(path.resolve(__dirname, '..', '..', 'competitions', 'condorgame.yaml'));
  return { ...reference, id: 'bench', name: 'bench', description: '', predictions };
}

import { Scorer } from '../scorer';
import { AccuracyScorer, LogLossScorer } from './binary-classification.scorers';
import { CrpsGridScorer } from './crps-grid.scorer';
import { CrpsScorer } from './crps.scorer';
import { DensityLogLikelihoodScorer } from './density-log-likelihood.scorer';
import { DensityPdfScorer } from './density-pdf.scorer';
import { MaeScorer, MseScorer } from './point-error.scorers';
import { SpearmanScorer } from './spearman.scorer';
import { SynthCrpsScorer } from './synth-crps.scorer';

export {
  AccuracyScorer,
  CrpsGridScorer,
  CrpsScorer,
  DensityLogLikelihoodScorer,
  DensityPdfScorer,
  LogLossScorer,
  MaeScorer,
  MseScorer,
  SpearmanScorer,
  SynthCrpsScorer,
};

/** One fresh instance of every built-in scorer. */
export function createBuiltinScorers(): Scorer[] {
  const crpsGrid = new CrpsGridScorer();
  return [
    new DensityPdfScorer(),
    new DensityLogLikelihoodScorer(),
    new CrpsScorer(),
    crpsGrid,
    new SynthCrpsScorer(crpsGrid),
    new MseScorer(),
    new MaeScorer(),
    new LogLossScorer(),
    new AccuracyScorer(),
    new SpearmanScorer(),
  ];
}

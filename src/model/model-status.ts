/**
 * The model stage's state as the pipeline reports it (PipelineStatus stage 'model') and the UI shows it, and the
 * one place that turns a load or run failure into a short code and a sentence naming what is wrong.
 */
import type { ModelStageInfo } from './model-stage';
import { NormalisationError } from './normalise';
import { MolConfigError } from './config';
import {
  MissingWeightError, MolWeightsError, UnexpectedWeightError, WeightsChecksumError, WeightsConfigMismatchError,
  WeightsFetchError, WeightsFormatError, WeightShapeError, WeightsVersionError,
} from './weights/errors';

export type ModelFailureCode =
  | 'weights-checksum' | 'weights-shape' | 'weights-config' | 'weights-fetch' | 'weights-format' | 'model-run' | 'model-failed';

export type ModelStageStatus =
  | { state: 'off' }
  | { state: 'loading' }
  | { state: 'ready'; info: ModelStageInfo }
  | { state: 'failed'; code: ModelFailureCode; message: string };

const WHAT: Record<ModelFailureCode, string> = {
  'weights-checksum': 'The MOL weights failed their SHA-256 checksum (a corrupted or mismatched weights file)',
  'weights-shape': 'The MOL weights do not have the shapes their architecture needs',
  'weights-config': "The MOL weights do not match the model's configuration",
  'weights-fetch': 'The MOL weights could not be downloaded',
  'weights-format': 'The MOL weights file is not in the MOL web weight format',
  'model-run': 'MOL failed while analysing a frame',
  'model-failed': 'MOL could not be started',
};

function codeOf(err: unknown, during: 'load' | 'run'): ModelFailureCode {
  if (err instanceof WeightsChecksumError) return 'weights-checksum';
  if (err instanceof WeightShapeError || err instanceof MissingWeightError || err instanceof UnexpectedWeightError) return 'weights-shape';
  if (err instanceof WeightsConfigMismatchError || err instanceof MolConfigError) return 'weights-config';
  if (err instanceof WeightsFetchError) return 'weights-fetch';
  if (err instanceof WeightsFormatError || err instanceof WeightsVersionError || err instanceof NormalisationError || err instanceof MolWeightsError) return 'weights-format';
  return during === 'run' ? 'model-run' : 'model-failed';
}

/** Failure -> status; the message names the error class and says that tracking goes on without the model. */
export function modelFailure(err: unknown, during: 'load' | 'run'): Extract<ModelStageStatus, { state: 'failed' }> {
  const code = codeOf(err, during);
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { state: 'failed', code, message: `${WHAT[code]}. Face tracking continues without the model. (${detail})` };
}

/** Named errors of the weight loader: each says what is wrong with which file or entry. */
export class MolWeightsError extends Error {
  override name = 'MolWeightsError';
}
export class WeightsFetchError extends MolWeightsError {
  override name = 'WeightsFetchError';
}
export class WeightsFormatError extends MolWeightsError {
  override name = 'WeightsFormatError';
}
export class WeightsVersionError extends MolWeightsError {
  override name = 'WeightsVersionError';
}
export class WeightsChecksumError extends MolWeightsError {
  override name = 'WeightsChecksumError';
}
export class MissingWeightError extends MolWeightsError {
  override name = 'MissingWeightError';
}
export class WeightShapeError extends MolWeightsError {
  override name = 'WeightShapeError';
}
export class UnexpectedWeightError extends MolWeightsError {
  override name = 'UnexpectedWeightError';
}
export class WeightsConfigMismatchError extends MolWeightsError {
  override name = 'WeightsConfigMismatchError';
}

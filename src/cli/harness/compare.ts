/** Element-wise closeness |got - want| <= atol + rtol * |want|, with the worst offender for the report. */
export interface Comparison {
  pass: boolean;
  size: number;
  maxAbsErr: number;
  worstIndex: number;
  got: number;
  want: number;
  atol: number;
  rtol: number;
}

export function compareArrays(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): Comparison {
  if (got.length !== want.length) {
    return { pass: false, size: got.length, maxAbsErr: Infinity, worstIndex: -1, got: got.length, want: want.length, atol, rtol };
  }
  let pass = true, maxAbsErr = 0, worstIndex = -1, worstExcess = -Infinity;
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    const excess = Number.isNaN(err) ? Infinity : err - (atol + rtol * Math.abs(want[i]));
    if (excess > 0) pass = false;
    if (err > maxAbsErr || Number.isNaN(err)) maxAbsErr = Number.isNaN(err) ? NaN : err;
    if (excess > worstExcess) { worstExcess = excess; worstIndex = i; }
  }
  return { pass, size: got.length, maxAbsErr, worstIndex, got: got[worstIndex] ?? NaN, want: want[worstIndex] ?? NaN, atol, rtol };
}
